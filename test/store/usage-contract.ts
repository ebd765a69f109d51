// The usage repository's contract (store/usage-ports.ts): every Store implementation must
// pass it. Call usageContract() from an implementation's test file (as storeContract()).
// Lifted from what metering relies on (test/unit/metering-report.test.ts): totals by
// function, UTC day and hour without throttled calls, the newest-first invocation list
// with its cursor, range reads in start order, pruning, and the /metrics backlog.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import type { AsyncEvent, Scope } from '../../src/store/records.js';
import type { UsageRecord } from '../../src/store/usage-ports.js';
import type { StoreFixture } from './store-contract.js';

const scope: Scope = { account: '000000000000', region: 'us-east-1' };
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 31, 22, 0, 0); // two hours before a day (and a month) ends

function record(fn: string, startedAt: number, billedMs: number, over: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ...scope, function: fn, requestId: `${fn}-${startedAt}`, version: '$LATEST', qualifier: undefined, trigger: 'sync', architecture: 'x86_64',
    startedAt, durationMs: billedMs - 0.25, billedMs, memoryMb: 1024, maxMemoryUsedMb: 60, initDurationMs: undefined, startType: 'warm',
    outcome: 'success', requestBytes: 2, responseBytes: 3, ...over,
  };
}

function event(id: string, status: AsyncEvent['status'], createdAt: number): AsyncEvent {
  return {
    ...scope, name: 'fn', id, qualifier: undefined, payload: Buffer.from('{}'), source: 'async', createdAt, status,
    attempts: 0, tries: 0, notBefore: createdAt, leaseOwner: undefined, leaseUntil: undefined, lastError: undefined, updatedAt: createdAt,
  };
}

export function usageContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`usage repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    const records = [
      record('a', T0, 1000),
      record('a', T0 + 500, 1000, { startType: 'cold', initDurationMs: 123.456, qualifier: 'live', version: '3' }),
      record('b', T0 + HOUR + 10, 2000, { architecture: 'arm64', outcome: 'function-error', memoryMb: 512 }),
      record('b', T0 + HOUR + 20, 0, { outcome: 'throttled' }),
      record('a', T0 + 2 * HOUR + 5, 500), // the next day
      record('a', T0 + 1, 7, { account: '111111111111' }), // another scope
    ];
    const range = { ...scope, since: T0, until: T0 + 3 * HOUR };
    before(async () => {
      fixture = await open();
      store = fixture.store;
      await store.usage.append(records);
      await store.usage.append([]);
    });
    after(async () => fixture.cleanup());

    test('records come back as stored, newest first, paged by id, per scope and optionally per function', async () => {
      const listed = await store.usage.list({ ...scope, limit: 10 });
      assert.deepEqual(listed.map((r) => r.requestId), ['a-' + String(T0 + 2 * HOUR + 5), `b-${T0 + HOUR + 20}`, `b-${T0 + HOUR + 10}`, `a-${T0 + 500}`, `a-${T0}`]);
      const { id, ...cold } = listed[3] ?? assert.fail('missing record');
      assert.deepEqual(cold, records[1]);
      assert.ok(listed.every((r, i) => i === 0 || r.id < (listed[i - 1]?.id ?? 0)), 'ids fall down the list');
      const page = await store.usage.list({ ...scope, beforeId: id, limit: 10 });
      assert.deepEqual(page.map((r) => r.startedAt), [T0]);
      assert.deepEqual((await store.usage.list({ ...scope, function: 'b', limit: 1 })).map((r) => r.requestId), [`b-${T0 + HOUR + 20}`]);
      assert.deepEqual((await store.usage.list({ account: '111111111111', region: 'us-east-1', limit: 10 })).map((r) => r.billedMs), [7]);
      assert.deepEqual(await store.usage.list({ account: '222222222222', region: 'us-east-1', limit: 10 }), []);
    });

    test('range reads records in start order within [since, until), at most limit, optionally per function', async () => {
      const all = await store.usage.range(range, 100);
      assert.deepEqual(all.map((r) => r.startedAt), [T0, T0 + 500, T0 + HOUR + 10, T0 + HOUR + 20, T0 + 2 * HOUR + 5]);
      assert.deepEqual((await store.usage.range({ ...range, since: T0 + 500, until: T0 + HOUR + 20 }, 100)).map((r) => r.startedAt), [T0 + 500, T0 + HOUR + 10]);
      assert.deepEqual((await store.usage.range(range, 2)).map((r) => r.startedAt), [T0, T0 + 500]);
      assert.deepEqual((await store.usage.range({ ...range, function: 'b' }, 100)).map((r) => r.outcome), ['function-error', 'throttled']);
    });

    test('totals group by function, UTC day or hour and architecture, without throttled calls', async () => {
      assert.deepEqual(await store.usage.totals(range, 'function'), [
        { key: 'a', architecture: 'x86_64', requests: 3, billedMs: 2500, mbMs: 2500 * 1024 },
        { key: 'b', architecture: 'arm64', requests: 1, billedMs: 2000, mbMs: 2000 * 512 },
      ]);
      const day = Date.UTC(2026, 2, 31);
      assert.deepEqual((await store.usage.totals(range, 'day')).map((t) => [t.key, t.architecture, t.requests]), [
        [String(day), 'arm64', 1], [String(day), 'x86_64', 2], [String(day + 24 * HOUR), 'x86_64', 1],
      ]);
      assert.deepEqual((await store.usage.totals({ ...range, function: 'a' }, 'hour')).map((t) => [t.key, t.requests, t.billedMs]), [
        [String(T0), 2, 2000], [String(T0 + 2 * HOUR), 1, 500],
      ]);
      assert.deepEqual(await store.usage.totals({ ...range, since: T0 + 3 * HOUR, until: T0 + 4 * HOUR }, 'function'), []);
    });

    test('backlog counts unsettled async events and their oldest, and messages per queue', async () => {
      assert.deepEqual(await store.usage.backlog(), { asyncDepth: 0, asyncOldestAt: undefined, queues: [] });
      await store.events.enqueue([event('q1', 'queued', 300), event('q2', 'queued', 200), event('done', 'succeeded', 100)]);
      await store.events.lease('node', 1000, 1000, 1, 1);
      const queue = await store.queues.create({ ...scope, name: 'backlogged', fifo: false, attributes: {}, tags: {}, createdAt: 1, lastModified: 1 });
      assert.ok(queue);
      await store.queues.create({ ...scope, name: 'empty', fifo: false, attributes: {}, tags: {}, createdAt: 1, lastModified: 1 });
      const message = (n: number): Parameters<Store['queues']['send']>[1][number] => ({
        messageId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, body: 'x', attributes: {}, systemAttributes: {}, md5OfBody: 'm',
        md5OfAttributes: undefined, md5OfSystemAttributes: undefined, senderId: 'me', sentAt: 0, visibleAt: 0, groupId: undefined, deduplicationId: undefined,
      });
      await store.queues.send(queue.id, [message(1), message(2)], 0, undefined);
      assert.deepEqual(await store.usage.backlog(), {
        asyncDepth: 2, asyncOldestAt: 200,
        queues: [{ ...scope, name: 'backlogged', messages: 2 }, { ...scope, name: 'empty', messages: 0 }],
      });
    });

    test('deleteOlderThan prunes by start time and says how many; records survive a reopen', async () => {
      assert.equal(await store.usage.deleteOlderThan(T0 + HOUR), 3);
      assert.equal(await store.usage.deleteOlderThan(T0 + HOUR), 0);
      store = await fixture.reopen();
      assert.deepEqual((await store.usage.range(range, 100)).map((r) => r.startedAt), [T0 + HOUR + 10, T0 + HOUR + 20, T0 + 2 * HOUR + 5]);
    });
  });
}
