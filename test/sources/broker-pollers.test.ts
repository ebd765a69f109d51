// The broker mapping runtime (src/triggers/sources/broker-pollers.ts) end to end on a real
// SQLite store, with the test-only in-memory source (memory-source.ts) and an invoker that
// stands in for InvokeService: batching by size and window, order, acknowledgement after
// success, retries, bisect-on-error, the failure record, throttling, restart without loss,
// disable/enable, and one poller per mapping across nodes sharing leases.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { NimbusError } from '../../src/errors.js';
import type { InvokeRequest, InvokeResponse } from '../../src/invoke/invoke-service.js';
import type { BrokerMappingRecord, BrokerMappingRepository } from '../../src/store/broker-mapping-ports.js';
import { BrokerPollers, type BrokerPollersDeps } from '../../src/triggers/sources/broker-pollers.js';
import { openSqliteFixture } from '../helpers/sqlite-store.js';
import type { StoreFixture } from '../store/store-contract.js';
import { MemoryLog, memorySource } from './memory-source.js';

const scope = { account: '000000000000', region: 'us-east-1' };
const DLQ = 'arn:aws:sqs:us-east-1:000000000000:failed';

interface Call { readonly ids: number[]; readonly failed: boolean }

/** Invokes "the function": records each batch's `n`s; fails a batch holding a poisoned n; throttles while `throttle` > 0. */
class FakeFunction {
  readonly calls: Call[] = [];
  poisoned = new Set<number>();
  throttle = 0;
  delayMs = 0;
  missing = false;

  async invoke(request: InvokeRequest): Promise<InvokeResponse> {
    assert.equal(request.trigger, 'source');
    if (this.missing) throw new NimbusError('ResourceNotFoundException', 'Function not found');
    if (this.throttle > 0) {
      this.throttle -= 1;
      throw new NimbusError('TooManyRequestsException', 'Rate exceeded');
    }
    if (this.delayMs > 0) await sleep(this.delayMs);
    const event = JSON.parse(request.payload.toString('utf8')) as { Records: { n: number }[] };
    const ids = event.Records.map((r) => r.n);
    const failed = ids.some((n) => this.poisoned.has(n));
    this.calls.push({ ids, failed });
    return {
      requestId: request.requestId, executedVersion: '$LATEST', logResult: undefined, functionError: failed ? 'Unhandled' : undefined,
      payload: Buffer.from(JSON.stringify(failed ? { errorType: 'Error', errorMessage: `poisoned ${ids.join(',')}` } : null)),
    };
  }

  delivered(): number[] {
    return this.calls.filter((c) => !c.failed).flatMap((c) => c.ids);
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function mapping(uuid: string, over: Partial<BrokerMappingRecord> = {}): BrokerMappingRecord {
  return {
    ...scope, uuid, kind: 'memory', sourceConfig: JSON.stringify({ log: 'main' }), functionName: 'fn', qualifier: undefined, batchSize: 10,
    maximumBatchingWindowSeconds: 0, maximumRetryAttempts: -1, bisectBatchOnFunctionError: false, onFailureDestination: undefined, enabled: true,
    state: 'Enabled', lastProcessingResult: 'No records processed', lastError: undefined, revision: 1, createdAt: 1, lastModified: 1, ...over,
  };
}

describe('broker pollers', () => {
  let fixture: StoreFixture;
  let repo: BrokerMappingRepository;
  let log: MemoryLog;
  let fn: FakeFunction;
  let sent: { arn: string; body: Record<string, unknown> }[];
  let running: BrokerPollers[];
  let n: number;

  before(async () => {
    fixture = await openSqliteFixture('nimbus-broker-pollers-');
    repo = fixture.store.brokerMappings;
  });
  const stopAll = async (): Promise<void> => {
    await Promise.all((running ?? []).map((p) => p.dispose()));
  };
  after(async () => {
    await stopAll();
    await fixture.cleanup();
  });
  beforeEach(async () => {
    await stopAll();
    for (const m of await repo.all()) await repo.delete(m.uuid);
    log = new MemoryLog();
    fn = new FakeFunction();
    sent = [];
    running = [];
    n = 0;
  });

  const append = (count: number): void => {
    for (let i = 0; i < count; i++) log.append({ n: ++n });
  };

  function pollers(over: Partial<BrokerPollersDeps> = {}): BrokerPollers {
    const p = new BrokerPollers({
      repository: repo, plugins: [memorySource(new Map([['main', log]]))], invoker: fn, clock: Date.now,
      sendToQueue: (arn, body) => {
        sent.push({ arn, body: JSON.parse(body) as Record<string, unknown> });
        return Promise.resolve();
      },
      onError: (err) => assert.fail(err instanceof Error ? err : String(err)), pauses: { throttled: 20, missing: 20, failed: 20 },
      retryDelayMs: () => 5, idleMs: 200, ...over,
    });
    running.push(p);
    return p;
  }

  test('delivers every record once, in order, in batches of at most BatchSize, and reports OK and lag', async () => {
    append(25);
    await repo.create(mapping('m1', { batchSize: 10 }));
    const p = pollers();
    await p.start();
    await until('25 records', () => fn.delivered().length === 25);
    assert.deepEqual(fn.delivered(), Array.from({ length: 25 }, (_, i) => i + 1));
    assert.ok(fn.calls.every((c) => c.ids.length <= 10));
    append(3);
    await until('3 more', () => fn.delivered().length === 28);
    await until('lag 0', async () => (await p.lag('m1')) === 0);
    assert.equal((await repo.get('m1'))?.lastProcessingResult, 'OK');
  });

  test('a batching window gathers records that arrive within it into one invocation', async () => {
    await repo.create(mapping('m1', { batchSize: 10, maximumBatchingWindowSeconds: 1 }));
    await pollers().start();
    append(2);
    await sleep(200);
    append(3);
    await until('5 records', () => fn.delivered().length === 5);
    assert.deepEqual(fn.calls.map((c) => c.ids), [[1, 2, 3, 4, 5]]);
  });

  test('a failing batch is retried MaximumRetryAttempts times, then sent to the destination with its records and acknowledged', async () => {
    fn.poisoned.add(2);
    append(3);
    await repo.create(mapping('m1', { batchSize: 3, maximumRetryAttempts: 2, onFailureDestination: DLQ }));
    await pollers().start();
    await until('the failure record', () => sent.length === 1);
    assert.equal(fn.calls.length, 3, 'one try and two retries');
    const record = sent[0]!;
    assert.equal(record.arn, DLQ);
    assert.equal((record.body.requestContext as Record<string, unknown>).condition, 'RetryAttemptsExhausted');
    assert.equal((record.body.requestContext as Record<string, unknown>).approximateInvokeCount, 3);
    assert.equal((record.body.requestContext as Record<string, unknown>).functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:fn');
    assert.equal((record.body.responseContext as Record<string, unknown>).functionError, 'Unhandled');
    assert.equal(record.body.version, '1.0');
    assert.deepEqual((record.body.records as { payload: unknown }[]).map((r) => r.payload), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.equal((record.body.sourceBatchInfo as Record<string, unknown>).batchSize, 3);
    append(1);
    await until('the next record', () => fn.delivered().includes(4));
    assert.equal(sent.length, 1);
    const m = await repo.get('m1');
    assert.equal(m?.lastProcessingResult, 'OK');
    assert.deepEqual([...log.ackedBy('m1')].sort(), ['1', '2', '3', '4']);
  });

  test('bisect splits a failing batch until the bad record is alone; only it goes to the destination, the rest in order', async () => {
    fn.poisoned.add(3);
    append(4);
    await repo.create(mapping('m1', { batchSize: 4, maximumRetryAttempts: 0, bisectBatchOnFunctionError: true, onFailureDestination: DLQ }));
    await pollers().start();
    await until('the failure record', () => sent.length === 1 && fn.delivered().length === 3);
    assert.deepEqual(fn.calls.map((c) => c.ids), [[1, 2, 3, 4], [1, 2], [3, 4], [3], [4]]);
    assert.deepEqual((sent[0]!.body.records as { payload: unknown }[]).map((r) => r.payload), [{ n: 3 }]);
  });

  test('without a destination, an exhausted batch is dropped and reported; the last error names the function error', async () => {
    fn.poisoned.add(1);
    append(1);
    await repo.create(mapping('m1', { maximumRetryAttempts: 0 }));
    await pollers().start();
    await until('the ack', () => log.ackedBy('m1').has('1'));
    assert.equal(sent.length, 0);
    const m = await repo.get('m1');
    assert.equal(m?.lastProcessingResult, 'PROBLEM: Function call failed.');
    assert.equal(m?.lastError, 'Error: poisoned 1');
  });

  test('a throttle or a missing function releases the batch and pauses; nothing is lost or sent to the destination', async () => {
    fn.throttle = 2;
    append(3);
    await repo.create(mapping('m1', { maximumRetryAttempts: 0, onFailureDestination: DLQ }));
    const p = pollers();
    await p.start();
    await until('3 records', () => fn.delivered().length === 3);
    fn.missing = true;
    append(1);
    await until('not found reported', async () => (await repo.get('m1'))?.lastProcessingResult === 'PROBLEM: Function not found.');
    fn.missing = false;
    await until('the 4th record', () => fn.delivered().length === 4);
    assert.deepEqual(fn.delivered(), [1, 2, 3, 4]);
    assert.equal(sent.length, 0);
  });

  test('a stop mid-stream loses nothing: a new set of pollers delivers the unacknowledged records', async () => {
    fn.delayMs = 30;
    append(40);
    await repo.create(mapping('m1', { batchSize: 5 }));
    const first = pollers();
    await first.start();
    await until('some batches', () => fn.calls.length >= 2);
    await first.dispose();
    assert.equal(log.openReaders.size, 0, 'the reader is closed');
    const before = fn.delivered().length;
    assert.ok(before < 40);
    await pollers().start();
    await until('all 40', () => new Set(fn.delivered()).size === 40);
    assert.deepEqual([...new Set(fn.delivered())].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.equal(fn.delivered().length, 40, 'acknowledged batches are not delivered again');
  });

  test('disable stops the poller (records wait); enable resumes it; delete stops it', async () => {
    await repo.create(mapping('m1'));
    const p = pollers();
    await p.start();
    append(1);
    await until('first record', () => fn.delivered().length === 1);
    const current = (await repo.get('m1'))!;
    await repo.update({ ...current, enabled: false, state: 'Disabled', revision: 2 }, 1);
    await p.changed('m1');
    assert.equal(p.polling('m1'), false);
    append(2);
    await sleep(100);
    assert.equal(fn.delivered().length, 1);
    await repo.update({ ...current, enabled: true, revision: 3 }, 2);
    await p.changed('m1');
    await until('the waiting records', () => fn.delivered().length === 3);
    await repo.delete('m1');
    await p.forget(current);
    assert.equal(p.polling('m1'), false);
    assert.equal(log.openReaders.size, 0);
  });

  test('an unknown kind or a bad source config is reported on the mapping, not thrown', async () => {
    await repo.create(mapping('bad-kind', { kind: 'carrier-pigeon' }));
    await repo.create(mapping('bad-config', { sourceConfig: '{"log":"nope"}' }));
    const p = pollers();
    await p.start();
    assert.match((await repo.get('bad-kind'))?.lastError ?? '', /no plugin serves kind 'carrier-pigeon' \(known: memory\)/);
    assert.match((await repo.get('bad-config'))?.lastError ?? '', /source\.log/);
    assert.equal(p.polling('bad-kind'), false);
  });

  test('in a cluster only the node holding the lease polls a mapping; another takes over when it stops', async () => {
    const held = new Map<string, object>();
    const leasesOf = (owner: object): BrokerPollersDeps['leases'] => ({
      hold: (name) => {
        const holder = held.get(name);
        if (holder !== undefined && holder !== owner) return Promise.resolve(false);
        held.set(name, owner);
        return Promise.resolve(true);
      },
      release: (name) => {
        if (held.get(name) === owner) held.delete(name);
        return Promise.resolve();
      },
    });
    const a = {};
    const b = {};
    append(5);
    await repo.create(mapping('m1'));
    const nodeA = pollers({ leases: leasesOf(a), rebalanceMs: 50 });
    const nodeB = pollers({ leases: leasesOf(b), rebalanceMs: 50 });
    await nodeA.start();
    await nodeB.start();
    assert.equal(held.get('broker:m1'), a);
    assert.equal(nodeA.polling('m1'), true);
    assert.equal(nodeB.polling('m1'), false);
    await until('5 records', () => fn.delivered().length === 5);
    await nodeA.dispose();
    append(2);
    await until('take-over', () => nodeB.polling('m1') && fn.delivered().length === 7);
    assert.deepEqual(fn.delivered(), [1, 2, 3, 4, 5, 6, 7]);
  });
});
