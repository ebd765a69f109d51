// The queue rules that take minutes or hours on SQS, run against the real SQLite store
// with a clock the test moves: retention, the 5-minute deduplication window, one purge per
// 60 s, and the 12-hour cap on a message's time in flight.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { QueueError } from '../../src/queues/errors.js';
import { MessageService } from '../../src/queues/message-service.js';
import { QueueService } from '../../src/queues/queue-service.js';
import { ArrivalSignals } from '../../src/queues/signals.js';
import type { Store } from '../../src/store/ports.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';

let dir: string;
let store: Store;
let now = Date.UTC(2026, 0, 1);
let queues: QueueService;
let messages: MessageService;
const scope = { account: '000000000000', region: 'us-east-1' };
const minutes = (n: number): number => n * 60_000;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-sqs-time-'));
  store = createSqliteStore(path.join(dir, 'nimbus.db'));
  const signals = new ArrivalSignals();
  queues = new QueueService({ repository: store.queues, clock: () => now, signals });
  messages = new MessageService({ repository: store.queues, queues, clock: () => now, signals, onError: (err) => assert.fail(String(err)) });
});
after(async () => {
  messages.dispose();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function rejectsWith(code: string): (err: unknown) => boolean {
  return (err) => err instanceof QueueError && err.spec.queryCode === code;
}

test('messages past MessageRetentionPeriod are never delivered and are swept away', async () => {
  const key = { ...scope, name: 'retained' };
  await queues.create(key, { MessageRetentionPeriod: '60' }, {});
  await messages.send(key, { body: 'old' }, 'me');
  now += 30_000;
  await messages.send(key, { body: 'young' }, 'me');
  now += 31_000;
  assert.equal((await queues.getAttributes(key, ['ApproximateNumberOfMessages'])).ApproximateNumberOfMessages, '1');
  assert.deepEqual((await messages.receive(key, { maxMessages: 10 })).map((m) => m.body), ['young']);
  now += minutes(2);
  assert.ok((await store.queues.deleteExpired(now)) >= 2);
  assert.deepEqual(await messages.receive(key, { maxMessages: 10 }), []);
});

test('FIFO deduplication ids are remembered for 5 minutes, then accepted again', async () => {
  const key = { ...scope, name: 'window.fifo' };
  await queues.create(key, { FifoQueue: 'true' }, {});
  const first = await messages.send(key, { body: 'a', groupId: 'g', deduplicationId: 'd' }, 'me');
  now += minutes(4);
  assert.equal((await messages.send(key, { body: 'a', groupId: 'g', deduplicationId: 'd' }, 'me')).messageId, first.messageId);
  now += minutes(1) + 1;
  assert.notEqual((await messages.send(key, { body: 'a', groupId: 'g', deduplicationId: 'd' }, 'me')).messageId, first.messageId);
});

test('DeduplicationScope messageGroup: the same id in another group is a new message', async () => {
  const key = { ...scope, name: 'grouped.fifo' };
  await queues.create(key, { FifoQueue: 'true', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' }, {});
  const a = await messages.send(key, { body: 'x', groupId: 'a', deduplicationId: 'd' }, 'me');
  const b = await messages.send(key, { body: 'x', groupId: 'b', deduplicationId: 'd' }, 'me');
  assert.notEqual(a.messageId, b.messageId);
  await assert.rejects(queues.create({ ...scope, name: 'bad.fifo' }, { FifoQueue: 'true', FifoThroughputLimit: 'perMessageGroupId' }, {}), rejectsWith('InvalidAttributeValue'));
});

test('one purge per 60 seconds', async () => {
  const key = { ...scope, name: 'purging' };
  await queues.create(key, {}, {});
  await queues.purge(key);
  now += 59_000;
  await assert.rejects(queues.purge(key), rejectsWith('AWS.SimpleQueueService.PurgeQueueInProgress'));
  now += 1_000;
  await queues.purge(key);
});

test('a message stays in flight at most 12 hours from its receive', async () => {
  const key = { ...scope, name: 'capped' };
  await queues.create(key, {}, {});
  await messages.send(key, { body: 'long job' }, 'me');
  const [m] = await messages.receive(key, { visibilityTimeout: 43_200 });
  now += minutes(60);
  await assert.rejects(messages.changeVisibility(key, m?.receiptHandle ?? '', 43_200), rejectsWith('InvalidParameterValue'));
  await messages.changeVisibility(key, m?.receiptHandle ?? '', 43_200 - 3_600);
});

test('long-poll waits end at once after dispose', async () => {
  const key = { ...scope, name: 'closing' };
  await queues.create(key, {}, {});
  const signals = new ArrivalSignals();
  const service = new MessageService({ repository: store.queues, queues, clock: () => now, signals, onError: () => undefined });
  const waiting = service.receive(key, { waitSeconds: 20 });
  service.dispose();
  assert.deepEqual(await waiting, []);
});
