// KeyService: keys it makes look like AWS's, lookups answer only Active keys, and the
// brief caches never outlive LOOKUP_TTL_MS — a key revoked through one node stops working
// on another within that time, while the node that revoked it stops at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KeyService, LOOKUP_TTL_MS } from '../../src/auth/key-service.js';
import { NimbusError } from '../../src/errors.js';
import type { StoreFixture } from '../store/store-contract.js';
import { openSqliteFixture } from '../helpers/sqlite-store.js';

let fixture: StoreFixture;
let now = 1_700_000_000_000;
const clock = (): number => now;
before(async () => {
  fixture = await openSqliteFixture('nimbus-key-service-');
});
after(() => fixture.cleanup());

test('create makes an AKIA id and a 40-character secret in the account; bad input is refused', async () => {
  const keys = new KeyService({ keys: fixture.store.accessKeys, clock });
  const key = await keys.create('123456789012', 'ci');
  assert.match(key.accessKeyId, /^AKIA[A-Z2-7]{16}$/);
  assert.match(key.secretAccessKey, /^[A-Za-z0-9+/]{40}$/);
  assert.deepEqual(await fixture.store.accessKeys.get(key.accessKeyId), key);
  assert.notEqual((await keys.create('123456789012', '')).accessKeyId, key.accessKeyId);
  await assert.rejects(keys.create('12', ''), (err: unknown) => err instanceof NimbusError && /account: must be 12 digits/.test(err.message));
  await assert.rejects(keys.create('123456789012', 'x'.repeat(257)), /description: must be at most 256/);
  for (const k of await keys.list(undefined)) await keys.revoke(k.accessKeyId);
});

test('a revoke or deactivation bites at once on its own node and within the TTL on another', async () => {
  const here = new KeyService({ keys: fixture.store.accessKeys, clock });
  const there = new KeyService({ keys: fixture.store.accessKeys, clock });
  assert.equal(await there.keysExist(), false);
  const key = await here.create('123456789012', '');
  assert.equal(await here.keysExist(), true);
  assert.equal((await here.lookup(key.accessKeyId))?.accessKeyId, key.accessKeyId);
  assert.equal((await there.lookup(key.accessKeyId))?.accessKeyId, key.accessKeyId);

  assert.equal(await here.deactivate(key.accessKeyId), true);
  assert.equal(await here.lookup(key.accessKeyId), undefined, 'Inactive keys are not looked up');
  assert.notEqual(await there.lookup(key.accessKeyId), undefined, 'another node may answer from its cache for a while');
  now += LOOKUP_TTL_MS;
  assert.equal(await there.lookup(key.accessKeyId), undefined);

  assert.equal(await here.setStatus(key.accessKeyId, 'Active'), true);
  assert.equal(await here.revoke(key.accessKeyId), true);
  assert.equal(await here.revoke(key.accessKeyId), false);
  assert.equal(await here.keysExist(), false);
  assert.equal(await there.keysExist(), false, 'the other node saw no keys before and the TTL passed');
});

test('the platform secret is read once and is the store\'s', async () => {
  const keys = new KeyService({ keys: fixture.store.accessKeys, clock });
  assert.equal(await keys.platformSecret(), await fixture.store.accessKeys.platformSecret());
  assert.equal(await keys.platformSecret(), await keys.platformSecret());
});
