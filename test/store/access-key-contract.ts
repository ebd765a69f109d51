// The access key repository's contract (store/access-key-ports.ts): every implementation
// passes these — keys read back as created, ids are unique, listings are per account and
// oldest first, status changes and deletes report whether the key existed, keys survive a
// reopen, and the platform secret is made once: the same value on every call, after a
// reopen, and (given `openNodes`) for nodes sharing one database that race on first call.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AccessKeyRecord, AccessKeyRepository } from '../../src/store/access-key-ports.js';
import type { Store } from '../../src/store/ports.js';
import type { StoreFixture } from './store-contract.js';

/** Several stores on one database, as cluster nodes open it. */
export type OpenNodes = (count: number) => Promise<{ readonly nodes: readonly Store[]; cleanup(): Promise<void> }>;

function key(id: string, over: Partial<AccessKeyRecord> = {}): AccessKeyRecord {
  return {
    accessKeyId: id, secretAccessKey: `secret-of-${id}-0123456789012345678901234`, account: '123456789012', description: '',
    status: 'Active', createdAt: 1_700_000_000_000, lastUsedAt: undefined, ...over,
  };
}

export function accessKeyContract(implementation: string, open: () => Promise<StoreFixture>, openNodes?: OpenNodes): void {
  describe(`access key repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let keys: AccessKeyRepository;
    before(async () => {
      fixture = await open();
      keys = fixture.store.accessKeys;
    });
    after(() => fixture.cleanup());

    test('a key reads back as created; a taken id is refused and leaves the first key as it was', async () => {
      assert.equal(await keys.count(), 0);
      const first = key('AKIAAAAAAAAAAAAAAAA1', { description: 'ci deploys', lastUsedAt: 1_700_000_000_500 });
      assert.equal(await keys.create(first), true);
      assert.deepEqual(await keys.get(first.accessKeyId), first);
      assert.equal(await keys.create(key(first.accessKeyId, { account: '999999999999' })), false);
      assert.deepEqual(await keys.get(first.accessKeyId), first);
      assert.equal(await keys.get('AKIAZZZZZZZZZZZZZZZZ'), undefined);
      assert.equal(await keys.count(), 1);
    });

    test('listings are per account (all when undefined), oldest first', async () => {
      await keys.create(key('AKIABBBBBBBBBBBBBBB3', { account: '222222222222', createdAt: 1_700_000_000_300 }));
      await keys.create(key('AKIABBBBBBBBBBBBBBB2', { account: '222222222222', createdAt: 1_700_000_000_200 }));
      await keys.create(key('AKIABBBBBBBBBBBBBBB1', { account: '333333333333', createdAt: 1_700_000_000_100 }));
      assert.deepEqual((await keys.list('222222222222')).map((k) => k.accessKeyId), ['AKIABBBBBBBBBBBBBBB2', 'AKIABBBBBBBBBBBBBBB3']);
      assert.deepEqual((await keys.list(undefined)).map((k) => k.accessKeyId),
        ['AKIAAAAAAAAAAAAAAAA1', 'AKIABBBBBBBBBBBBBBB1', 'AKIABBBBBBBBBBBBBBB2', 'AKIABBBBBBBBBBBBBBB3']);
      assert.deepEqual(await keys.list('444444444444'), []);
      assert.equal(await keys.count(), 4);
    });

    test('status changes and deletes say whether the key existed; count includes inactive keys', async () => {
      assert.equal(await keys.setStatus('AKIABBBBBBBBBBBBBBB1', 'Inactive'), true);
      assert.equal((await keys.get('AKIABBBBBBBBBBBBBBB1'))?.status, 'Inactive');
      assert.equal(await keys.setStatus('AKIABBBBBBBBBBBBBBB1', 'Active'), true);
      assert.equal((await keys.get('AKIABBBBBBBBBBBBBBB1'))?.status, 'Active');
      assert.equal(await keys.setStatus('AKIANOSUCHKEY0000000', 'Inactive'), false);
      await keys.setStatus('AKIABBBBBBBBBBBBBBB1', 'Inactive');
      assert.equal(await keys.count(), 4);
      assert.equal(await keys.delete('AKIABBBBBBBBBBBBBBB1'), true);
      assert.equal(await keys.delete('AKIABBBBBBBBBBBBBBB1'), false);
      assert.equal(await keys.get('AKIABBBBBBBBBBBBBBB1'), undefined);
      assert.equal(await keys.count(), 3);
    });

    test('touch records the latest use and never moves it back; an unknown key is ignored', async () => {
      const id = 'AKIABBBBBBBBBBBBBBB2';
      assert.equal((await keys.get(id))?.lastUsedAt, undefined);
      await keys.touch(id, 1_700_000_005_000);
      assert.equal((await keys.get(id))?.lastUsedAt, 1_700_000_005_000);
      await keys.touch(id, 1_700_000_001_000);
      assert.equal((await keys.get(id))?.lastUsedAt, 1_700_000_005_000);
      await keys.touch('AKIANOSUCHKEY0000000', 1_700_000_005_000);
      assert.equal(await keys.get('AKIANOSUCHKEY0000000'), undefined);
    });

    test('the platform secret is 32 random bytes in hex, the same on every call (also concurrent ones)', async () => {
      const [a, b, c] = await Promise.all([keys.platformSecret(), keys.platformSecret(), keys.platformSecret()]);
      assert.match(a, /^[0-9a-f]{64}$/);
      assert.equal(b, a);
      assert.equal(c, a);
      assert.equal(await keys.platformSecret(), a);
    });

    test('keys and the platform secret survive a reopen', async () => {
      const secret = await keys.platformSecret();
      const listed = await keys.list(undefined);
      keys = (await fixture.reopen()).accessKeys;
      assert.deepEqual(await keys.list(undefined), listed);
      assert.equal(await keys.platformSecret(), secret);
    });

    if (openNodes !== undefined) {
      test('nodes sharing one database racing on the first call agree on one platform secret', async () => {
        for (let round = 0; round < 3; round++) {
          const cluster: Awaited<ReturnType<OpenNodes>> = await openNodes(3);
          try {
            const secrets: string[] = await Promise.all(cluster.nodes.flatMap((n: Store) => [n.accessKeys.platformSecret(), n.accessKeys.platformSecret()]));
            assert.match(secrets[0] as string, /^[0-9a-f]{64}$/);
            assert.deepEqual(new Set(secrets).size, 1);
            assert.equal(await (cluster.nodes[2] as Store).accessKeys.platformSecret(), secrets[0]);
          } finally {
            await cluster.cleanup();
          }
        }
      });

      test('a key created on one node is seen, revoked and counted on another', async () => {
        const cluster = await openNodes(2);
        try {
          const [one, two] = cluster.nodes as [Store, Store];
          assert.equal(await one.accessKeys.create(key('AKIACCCCCCCCCCCCCCC1')), true);
          assert.equal(await two.accessKeys.create(key('AKIACCCCCCCCCCCCCCC1')), false);
          assert.equal(await two.accessKeys.count(), 1);
          assert.equal(await two.accessKeys.delete('AKIACCCCCCCCCCCCCCC1'), true);
          assert.equal(await one.accessKeys.get('AKIACCCCCCCCCCCCCCC1'), undefined);
        } finally {
          await cluster.cleanup();
        }
      });
    }
  });
}
