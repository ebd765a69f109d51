// The broker mapping repository's contract (store/broker-mapping-ports.ts): every
// implementation passes these — exact round trip of every field, creation order per scope,
// compare-and-swap on the revision (also under a race), reports that keep the revision,
// durability. Call brokerMappingContract() from an implementation's test file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrokerMappingRecord, BrokerMappingRepository } from '../../src/store/broker-mapping-ports.js';
import type { StoreFixture } from './store-contract.js';

const scope = { account: '000000000000', region: 'us-east-1' };

function mapping(uuid: string, over: Partial<BrokerMappingRecord> = {}): BrokerMappingRecord {
  return {
    ...scope, uuid, kind: 'redis-stream', sourceConfig: '{"url":"redis://127.0.0.1:6379","stream":"orders"}', functionName: 'fn', qualifier: undefined,
    batchSize: 100, maximumBatchingWindowSeconds: 0, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, onFailureDestination: undefined,
    enabled: true, state: 'Enabled', lastProcessingResult: 'No records processed', lastError: undefined, revision: 1, createdAt: 1000, lastModified: 1000,
    ...over,
  };
}

export function brokerMappingContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`broker mapping repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let repo: BrokerMappingRepository;
    before(async () => {
      fixture = await open();
      repo = fixture.store.brokerMappings;
    });
    after(() => fixture.cleanup());

    test('every field round-trips; a UUID is created once', async () => {
      const full = mapping('b1', {
        qualifier: 'live', batchSize: 10000, maximumBatchingWindowSeconds: 300, maximumRetryAttempts: 3, bisectBatchOnFunctionError: true,
        onFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:failed', sourceConfig: '{ "b": 1,  "a": [1, 2] }', lastError: 'boom',
      });
      assert.equal(await repo.create(full), true);
      assert.equal(await repo.create(mapping('b1', { functionName: 'other' })), false);
      assert.deepEqual(await repo.get('b1'), full);
      assert.equal(await repo.get('missing'), undefined);
    });

    test('lists a scope in creation order; all() spans scopes', async () => {
      await repo.create(mapping('a2', { kind: 'mqtt' }));
      await repo.create(mapping('c3', { account: '111111111111' }));
      await repo.create(mapping('0z', { enabled: false, state: 'Disabled' }));
      assert.deepEqual((await repo.list(scope)).map((m) => m.uuid), ['b1', 'a2', '0z']);
      assert.deepEqual((await repo.list({ ...scope, region: 'eu-west-1' })).map((m) => m.uuid), []);
      assert.deepEqual((await repo.all()).map((m) => m.uuid), ['b1', 'a2', 'c3', '0z']);
    });

    test('update is compare-and-swap on the revision', async () => {
      const current = await repo.get('a2');
      assert.ok(current);
      const next = { ...current, batchSize: 5, enabled: false, state: 'Disabled' as const, onFailureDestination: 'arn:aws:sqs:us-east-1:000000000000:d', revision: 2, lastModified: 2000 };
      assert.equal(await repo.update(next, 1), true);
      assert.equal(await repo.update({ ...next, batchSize: 6, revision: 3 }, 1), false, 'a change made on an older revision is refused');
      assert.deepEqual(await repo.get('a2'), next);
      assert.equal(await repo.update({ ...next, uuid: 'gone' }, 2), false);
    });

    test('two updates of one revision at once: exactly one wins', async () => {
      const current = await repo.get('b1');
      assert.ok(current);
      const results = await Promise.all([5, 6, 7].map((batchSize) => repo.update({ ...current, batchSize, revision: current.revision + 1 }, current.revision)));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = [5, 6, 7][results.indexOf(true)];
      assert.equal((await repo.get('b1'))?.batchSize, winner);
    });

    test('setResult records the runtime report without changing the revision', async () => {
      const before = await repo.get('b1');
      assert.ok(before);
      await repo.setResult('b1', 'PROBLEM: Function call failed', 'Unhandled: boom');
      assert.deepEqual(await repo.get('b1'), { ...before, lastProcessingResult: 'PROBLEM: Function call failed', lastError: 'Unhandled: boom' });
      await repo.setResult('b1', 'OK', undefined);
      assert.equal((await repo.get('b1'))?.lastError, undefined);
      assert.equal(await repo.update({ ...before, revision: before.revision + 1 }, before.revision), true);
    });

    test('survives a reopen; delete removes', async () => {
      const all = await repo.all();
      repo = (await fixture.reopen()).brokerMappings;
      assert.deepEqual(await repo.all(), all);
      assert.equal(await repo.delete('a2'), true);
      assert.equal(await repo.delete('a2'), false);
      assert.equal(await repo.get('a2'), undefined);
      assert.deepEqual((await repo.list(scope)).map((m) => m.uuid), ['b1', '0z']);
    });
  });
}
