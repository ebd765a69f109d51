// The event source mapping repository's contract (store/esm-ports.ts): every
// EventSourceMappingRepository implementation passes these — one mapping per queue and
// function, listing order and markers, compare-and-swap on the revision, and durability.
// Call esmRepositoryContract() from an implementation's test file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EventSourceMappingRecord, EventSourceMappingRepository } from '../../src/store/esm-ports.js';
import type { StoreFixture } from './store-contract.js';

const scope = { account: '000000000000', region: 'us-east-1' };
const QUEUE = 'arn:aws:sqs:us-east-1:000000000000:jobs';

function mapping(uuid: string, over: Partial<EventSourceMappingRecord> = {}): EventSourceMappingRecord {
  return {
    ...scope, uuid, eventSourceArn: QUEUE, functionName: 'fn', qualifier: undefined, batchSize: 10, maximumBatchingWindowSeconds: 0,
    reportBatchItemFailures: false, maximumConcurrency: undefined, enabled: true, state: 'Creating', stateTransitionReason: 'USER_INITIATED',
    lastProcessingResult: 'No records processed', revision: 1, lastModified: 1000, ...over,
  };
}

export function esmRepositoryContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`event source mapping repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let repo: EventSourceMappingRepository;
    before(async () => {
      fixture = await open();
      repo = fixture.store.eventSourceMappings;
    });
    after(() => fixture.cleanup());

    test('one mapping per queue and function (name and qualifier) in a scope', async () => {
      assert.equal(await repo.create(mapping('u1', { maximumConcurrency: 5, reportBatchItemFailures: true })), 'written');
      assert.deepEqual(await repo.create(mapping('u2')), { duplicateOf: 'u1' });
      assert.equal(await repo.create(mapping('u3', { qualifier: 'live' })), 'written');
      assert.equal(await repo.create(mapping('u4', { account: '111111111111' })), 'written');
      assert.deepEqual(await repo.get('u1'), mapping('u1', { maximumConcurrency: 5, reportBatchItemFailures: true }));
      assert.equal(await repo.get('u2'), undefined);
    });

    test('two creates of one pair at once: one is written, the other names it', async () => {
      const pair = { eventSourceArn: `${QUEUE}-race`, functionName: 'racer' };
      const results = await Promise.all([repo.create(mapping('r1', pair)), repo.create(mapping('r2', pair))]);
      const written = results.indexOf('written');
      assert.notEqual(written, -1);
      assert.deepEqual(results[1 - written], { duplicateOf: written === 0 ? 'r1' : 'r2' });
      await repo.delete(written === 0 ? 'r1' : 'r2');
    });

    test('lists in creation order with filters and markers', async () => {
      await repo.create(mapping('u5', { eventSourceArn: `${QUEUE}-2`, functionName: 'other' }));
      const all = await repo.list(scope, {}, undefined, 10);
      assert.deepEqual(all.items.map((m) => m.uuid), ['u1', 'u3', 'u5']);
      assert.equal(all.nextMarker, undefined);
      assert.deepEqual((await repo.list(scope, { functionName: 'fn' }, undefined, 10)).items.map((m) => m.uuid), ['u1', 'u3']);
      assert.deepEqual((await repo.list(scope, { functionName: 'fn', qualifier: 'live' }, undefined, 10)).items.map((m) => m.uuid), ['u3']);
      assert.deepEqual((await repo.list(scope, { eventSourceArn: `${QUEUE}-2` }, undefined, 10)).items.map((m) => m.uuid), ['u5']);
      const first = await repo.list(scope, {}, undefined, 2);
      assert.deepEqual(first.items.map((m) => m.uuid), ['u1', 'u3']);
      assert.ok(first.nextMarker !== undefined && repo.isMarker(first.nextMarker));
      assert.deepEqual((await repo.list(scope, {}, first.nextMarker, 2)).items.map((m) => m.uuid), ['u5']);
      assert.equal(repo.isMarker('x'), false);
    });

    test('replace and state moves are compare-and-swap on the revision', async () => {
      const current = await repo.get('u1');
      assert.ok(current);
      const next = { ...current, batchSize: 5, state: 'Updating' as const, revision: current.revision + 1 };
      assert.equal(await repo.replace(next, current.revision), 'written');
      assert.equal(await repo.replace({ ...next, batchSize: 6 }, current.revision), 'stale');
      assert.deepEqual(await repo.replace({ ...next, qualifier: 'live', revision: 3 }, next.revision), { duplicateOf: 'u3' });
      assert.equal(await repo.settleState('u1', current.revision, 'Enabled'), false, 'a move acting on an older revision is dropped');
      assert.equal(await repo.settleState('u1', next.revision, 'Enabled'), true);
      await repo.setLastProcessingResult('u1', 'OK');
      assert.deepEqual(await repo.get('u1'), { ...next, state: 'Enabled', lastProcessingResult: 'OK' });
    });

    test('survives a reopen; delete removes', async () => {
      const before = await repo.all();
      repo = (await fixture.reopen()).eventSourceMappings;
      assert.deepEqual(await repo.all(), before);
      assert.equal(await repo.delete('u5'), true);
      assert.equal(await repo.delete('u5'), false);
      assert.equal(await repo.get('u5'), undefined);
    });
  });
}
