// Collecting a batch from a real queue service on a real SQLite store: past 10 messages
// across receives, messages that arrive later join a batch while its window is open, an
// empty queue ends the collection at its idle time, and stopping ends a wait at once.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { MessageService } from '../../src/queues/message-service.js';
import { QueueService } from '../../src/queues/queue-service.js';
import { ArrivalSignals } from '../../src/queues/signals.js';
import { collectBatch, type CollectorDeps } from '../../src/triggers/sqs/batch-collector.js';
import { systemClock } from '../../src/util/time.js';
import { useTempStore } from '../helpers/temp-store.js';

const key = { account: '000000000000', region: 'us-east-1', name: 'jobs' };
const temp = useTempStore();
let messages: MessageService;
let deps: CollectorDeps;

describe('collectBatch on a real queue', () => {
  before(async () => {
    const signals = new ArrivalSignals();
    const queues = new QueueService({ repository: temp.store.queues, clock: systemClock, signals });
    messages = new MessageService({ repository: temp.store.queues, queues, clock: systemClock, signals, onError: (err) => assert.fail(String(err)) });
    await queues.create(key, { VisibilityTimeout: '60' }, {});
    deps = { queues, messages, signals, nextVisibleAt: (id, now) => temp.store.queues.nextVisibleAt(id, now), clock: systemClock };
  });

  async function send(...bodies: string[]): Promise<void> {
    for (const body of bodies) await messages.send(key, { body }, key.account);
  }

  const far = (): number => Date.now() + 60_000;

  test('a batch larger than 10 is gathered over several receives', async () => {
    await send(...Array.from({ length: 25 }, (_, i) => `m${i}`));
    const batch = await collectBatch(deps, { queue: key, batchSize: 25, windowSeconds: 30, idleUntil: far(), stop: new AbortController().signal });
    assert.deepEqual(batch.map((m) => m.body).sort(), Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
  });

  test('messages sent while the window is open join the batch; a full batch returns before the window ends', { timeout: 10_000 }, async () => {
    await send('first');
    const collecting = collectBatch(deps, { queue: key, batchSize: 3, windowSeconds: 60, idleUntil: far(), stop: new AbortController().signal });
    await new Promise((r) => setTimeout(r, 50));
    await send('second', 'third');
    assert.deepEqual((await collecting).map((m) => m.body), ['first', 'second', 'third']);
  });

  test('without a window, what is there now is the batch', async () => {
    await send('alone');
    const batch = await collectBatch(deps, { queue: key, batchSize: 10, windowSeconds: 0, idleUntil: far(), stop: new AbortController().signal });
    assert.deepEqual(batch.map((m) => m.body), ['alone']);
  });

  // The timeouts fail a wait that does not end (the idle time is a minute away).
  test('an empty queue: the collection ends empty at its idle time, or at once when stopped', { timeout: 10_000 }, async () => {
    assert.deepEqual(await collectBatch(deps, { queue: key, batchSize: 10, windowSeconds: 0, idleUntil: Date.now(), stop: new AbortController().signal }), []);
    const stop = new AbortController();
    const waiting = collectBatch(deps, { queue: key, batchSize: 10, windowSeconds: 0, idleUntil: far(), stop: stop.signal });
    stop.abort();
    assert.deepEqual(await waiting, []);
  });

  test('a message sent to an empty queue ends the wait', { timeout: 10_000 }, async () => {
    const waiting = collectBatch(deps, { queue: key, batchSize: 10, windowSeconds: 0, idleUntil: far(), stop: new AbortController().signal });
    await new Promise((r) => setTimeout(r, 50));
    await send('wake up');
    assert.deepEqual((await waiting).map((m) => m.body), ['wake up']);
  });
});
