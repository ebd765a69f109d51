// The contract of published versions, aliases and provisioned concurrency configs: every
// Store implementation must pass it. Call versionsContract() from an implementation's test
// file (as storeContract()).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import type { FunctionKey, FunctionRecord, FunctionVersionRecord, Scope } from '../../src/store/records.js';
import type { AliasRecord } from '../../src/store/version-ports.js';
import type { StoreFixture } from './store-contract.js';

const scope: Scope = { account: '000000000000', region: 'us-east-1' };

function latest(name: string, revisionId: string, blobKey = 'b'.repeat(64)): FunctionVersionRecord {
  return {
    ...scope, name, version: '$LATEST', revisionId, lastModified: '2026-01-01T00:00:00.000+0000',
    settings: {
      runtime: 'nodejs20.x', handler: 'index.handler', role: 'arn:aws:iam::000000000000:role/r', description: '', timeout: 3,
      memorySize: 128, ephemeralStorageMb: 512, environment: undefined, architectures: ['x86_64'], tracingMode: 'PassThrough',
      logFormat: 'Text', logGroup: undefined, deadLetterTargetArn: undefined,
    },
    code: { sha256: 'c2hh', blobKey, size: 10 },
    state: 'Active', stateReason: undefined, stateReasonCode: undefined,
    lastUpdateStatus: 'Successful', lastUpdateStatusReason: undefined, lastUpdateStatusReasonCode: undefined,
  };
}

function fn(name: string): FunctionRecord {
  return { ...scope, name, createdAt: 1, tags: {}, reservedConcurrency: undefined, latest: latest(name, `rev-${name}`) };
}

function alias(name: string, aliasName: string, functionVersion: string, weights: Record<string, number> = {}): AliasRecord {
  return { ...scope, name, alias: aliasName, functionVersion, description: '', additionalVersionWeights: weights, revisionId: `arev-${aliasName}` };
}

/** Creates a function and publishes it as version 1 (`digest` standing for its code and settings). */
async function createPublished(store: Store, name: string, digest: string): Promise<FunctionKey> {
  await store.functions.create(fn(name));
  assert.equal(await publish(store, name, digest), '1');
  return { ...scope, name };
}

/** Publishes $LATEST as it is stored now, with `digest` standing for its code and settings. */
async function publish(store: Store, name: string, digest: string): Promise<string> {
  const current = await store.functions.get({ ...scope, name });
  assert.ok(current);
  const outcome = await store.versions.publish(current.latest, digest, current.latest.revisionId);
  assert.notEqual(outcome.kind, 'conflict');
  return outcome.kind === 'conflict' ? '' : outcome.version.version;
}

export function versionsContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`versions, aliases and provisioned concurrency contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    before(async () => {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => fixture.cleanup());

    test('versions are numbered from 1; the same source gives back the newest; numbers are never reused', async () => {
      await store.functions.create(fn('pub'));
      const key: FunctionKey = { ...scope, name: 'pub' };
      assert.equal(await publish(store, 'pub', 'd1'), '1');
      assert.equal(await publish(store, 'pub', 'd1'), '1');
      assert.equal(await publish(store, 'pub', 'd2'), '2');
      assert.deepEqual(await store.versions.delete(key, '2'), { kind: 'deleted' });
      assert.deepEqual(await store.versions.delete(key, '2'), { kind: 'missing' });
      assert.equal(await publish(store, 'pub', 'd2'), '3');
      const stale = await store.versions.publish(latest('pub', 'x'), 'd9', 'not-the-revision');
      assert.equal(stale.kind, 'conflict');
      assert.equal((await store.versions.get(key, '1'))?.version, '1');
      assert.equal(await store.versions.get(key, '$LATEST'), undefined);
      assert.equal(await store.versions.get(key, '2'), undefined);
    });

    test('a version keeps what it was published with when $LATEST changes', async () => {
      const key = await createPublished(store, 'frozen', 'f1');
      const next = { ...latest('frozen', 'rev-2', 'c'.repeat(64)), settings: { ...latest('frozen', 'x').settings, timeout: 30 } };
      assert.equal(await store.functions.replaceLatest(next, 'rev-frozen'), true);
      const v1 = await store.versions.get(key, '1');
      assert.equal(v1?.settings.timeout, 3);
      assert.equal(v1?.code.blobKey, 'b'.repeat(64));
      assert.ok((await store.functions.referencedBlobKeys()).has('b'.repeat(64)), 'the version still holds its code');
    });

    test('versions are listed in number order, page by page', async () => {
      await store.functions.create(fn('many'));
      const key: FunctionKey = { ...scope, name: 'many' };
      for (let i = 1; i <= 11; i++) await publish(store, 'many', `m${i}`);
      const first = await store.versions.list(key, 0, 5);
      assert.deepEqual(first.items.map((v) => v.version), ['1', '2', '3', '4', '5']);
      assert.equal(first.more, true);
      const last = await store.versions.list(key, 10, 5);
      assert.deepEqual(last.items.map((v) => v.version), ['11']);
      assert.equal(last.more, false);
    });

    test('aliases need existing versions, are unique by name, and update by compare-and-swap', async () => {
      const key = await createPublished(store, 'al', 'a1');
      assert.deepEqual(await store.aliases.create(alias('al', 'live', '7')), { missingVersion: '7' });
      assert.deepEqual(await store.aliases.create(alias('al', 'live', '1', { '9': 0.5 })), { missingVersion: '9' });
      assert.equal(await store.aliases.create(alias('al', 'live', '1')), 'written');
      assert.equal(await store.aliases.create(alias('al', 'live', '$LATEST')), 'exists');
      assert.deepEqual(await store.aliases.get(key, 'live'), alias('al', 'live', '1'));
      const moved = { ...alias('al', 'live', '$LATEST'), revisionId: 'arev-2' };
      assert.equal(await store.aliases.update(moved, 'wrong'), 'changed');
      assert.equal(await store.aliases.update(moved, 'arev-live'), 'written');
      assert.equal((await store.aliases.get(key, 'live'))?.functionVersion, '$LATEST');
      await store.aliases.create(alias('al', 'beta', '1'));
      assert.deepEqual((await store.aliases.list(key)).map((a) => a.alias), ['beta', 'live']);
    });

    test('a version an alias routes to cannot be deleted; one without is deleted with its configs', async () => {
      const key = await createPublished(store, 'ref', 'r1');
      for (const d of ['r2', 'r3']) await publish(store, 'ref', d);
      await store.aliases.create(alias('ref', 'prod', '1', { '2': 0.1 }));
      assert.deepEqual(await store.versions.delete(key, '1'), { kind: 'referenced', aliases: ['prod'] });
      assert.deepEqual(await store.versions.delete(key, '2'), { kind: 'referenced', aliases: ['prod'] });
      await store.provisionedConcurrency.put({ ...key, qualifier: '3', requested: 2, lastModified: 'x' });
      await store.eventInvokeConfigs.put({ ...key, qualifier: '3', maximumRetryAttempts: 0, maximumEventAgeInSeconds: undefined, destinations: { onSuccess: undefined, onFailure: undefined }, lastModified: 1 });
      assert.deepEqual(await store.versions.delete(key, '3'), { kind: 'deleted' });
      assert.equal(await store.provisionedConcurrency.get(key, '3'), undefined);
      assert.equal(await store.eventInvokeConfigs.get(key, '3'), undefined);
    });

    test('provisioned concurrency configs are stored per qualifier, replaced on put, and go with their alias', async () => {
      const key = await createPublished(store, 'pc', 'p1');
      await store.aliases.create(alias('pc', 'live', '1'));
      assert.equal(await store.provisionedConcurrency.put({ ...key, qualifier: 'live', requested: 2, lastModified: 'a' }), true);
      assert.equal(await store.provisionedConcurrency.put({ ...key, qualifier: 'live', requested: 3, lastModified: 'b' }), true);
      assert.deepEqual(await store.provisionedConcurrency.get(key, 'live'), { ...key, qualifier: 'live', requested: 3, lastModified: 'b' });
      assert.equal(await store.provisionedConcurrency.put({ ...scope, name: 'no-such-function', qualifier: '1', requested: 1, lastModified: 'a' }), false);
      assert.ok((await store.provisionedConcurrency.listAll()).some((c) => c.name === 'pc' && c.qualifier === 'live'));
      assert.equal(await store.aliases.delete(key, 'live'), true);
      assert.equal(await store.aliases.delete(key, 'live'), false);
      assert.deepEqual(await store.provisionedConcurrency.list(key), []);
    });

    test('deleting the function takes its versions, aliases and configs; all survive a reopen until then', async () => {
      const key = await createPublished(store, 'whole', 'w1');
      await store.aliases.create(alias('whole', 'live', '1'));
      await store.provisionedConcurrency.put({ ...key, qualifier: '1', requested: 1, lastModified: 'a' });
      store = await fixture.reopen();
      assert.equal((await store.versions.get(key, '1'))?.version, '1');
      assert.equal((await store.aliases.get(key, 'live'))?.functionVersion, '1');
      assert.equal((await store.provisionedConcurrency.get(key, '1'))?.requested, 1);
      assert.equal(await store.functions.delete(key), true);
      assert.equal(await store.versions.get(key, '1'), undefined);
      assert.deepEqual(await store.aliases.list(key), []);
      assert.deepEqual(await store.provisionedConcurrency.list(key), []);
    });
  });
}
