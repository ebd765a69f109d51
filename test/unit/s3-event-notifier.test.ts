// The notifier between the object-event outbox and the durable async queue, against small
// in-memory implementations of the two contract interfaces (objects/object-events.ts) and
// the real SQLite queue. End to end through the S3 API: test/integration/s3-notifications.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BucketNotificationSource, LambdaNotification, ObjectEventOutbox, ObjectEventRecord } from '../../src/objects/object-events.js';
import { S3Notifier } from '../../src/triggers/s3/s3-notifier.js';
import { useTempStore } from '../helpers/temp-store.js';

class MemoryOutbox implements ObjectEventOutbox {
  readonly records: ObjectEventRecord[] = [];
  failNextAck = false;
  #seq = 0;

  add(key: string, eventName: ObjectEventRecord['eventName'] = 'ObjectCreated:Put', bucket = 'photos'): void {
    this.#seq++;
    this.records.push({
      seq: this.#seq, account: '000000000000', region: 'us-east-1', bucket, key, eventName, eventTime: 1_700_000_000_000 + this.#seq,
      size: 3, eTag: 'abc', versionId: undefined, sequencer: this.#seq.toString(16).padStart(16, '0'), sourceIp: '127.0.0.1',
      principalId: 'test', requestId: `req-${this.#seq}`, traceHeader: undefined,
    });
  }

  peek(limit: number): Promise<readonly ObjectEventRecord[]> {
    return Promise.resolve(this.records.slice(0, limit));
  }

  ack(seqs: readonly number[]): Promise<void> {
    if (this.failNextAck) {
      this.failNextAck = false;
      return Promise.reject(new Error('crash before ack'));
    }
    const done = new Set(seqs);
    this.records.splice(0, this.records.length, ...this.records.filter((r) => !done.has(r.seq)));
    return Promise.resolve();
  }
}

class MemoryBuckets implements BucketNotificationSource {
  readonly config = new Map<string, LambdaNotification[]>();

  lambdaNotifications(_scope: unknown, bucket: string): Promise<readonly LambdaNotification[] | undefined> {
    return Promise.resolve(this.config.get(bucket));
  }
}

const temp = useTempStore();

async function settle(notifier: S3Notifier, outbox: MemoryOutbox): Promise<void> {
  for (let i = 0; i < 200 && outbox.records.length > 0; i++) {
    notifier.wake();
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('drains the outbox into the queue, one event per matching configuration, then acknowledges', async () => {
  const outbox = new MemoryOutbox();
  const buckets = new MemoryBuckets();
  buckets.config.set('photos', [{ id: 'thumbs', functionArn: 'thumb', events: ['s3:ObjectCreated:*'], filterRules: [{ name: 'suffix', value: '.jpg' }] }]);
  outbox.add('a.jpg');
  outbox.add('b.txt');
  outbox.add('c.jpg', 'ObjectCreated:Put', 'gone'); // a bucket deleted since: nothing to deliver
  outbox.add('d.jpg', 'ObjectRemoved:Delete');
  let wakes = 0;
  const notifier = new S3Notifier({ outbox, buckets, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => wakes++, onError: (err) => assert.fail(String(err)) });
  notifier.start(); // what was committed before start is delivered
  await settle(notifier, outbox);
  await notifier.dispose();
  assert.equal(outbox.records.length, 0);
  assert.ok(wakes >= 1);
  const queued = await temp.store.events.list({ account: '000000000000', region: 'us-east-1', name: 'thumb', limit: 10 });
  assert.equal(queued.length, 1);
  assert.equal(queued[0]?.source, 's3');
  assert.match(queued[0]?.traceHeader ?? '', /;Lineage=[0-9a-f]{8}:1$/);
  const record = (JSON.parse(queued[0]?.payload.toString() ?? '') as { Records: { s3: { object: { key: string } }; userIdentity: unknown }[] }).Records[0];
  assert.equal(record?.s3.object.key, 'a.jpg');
  assert.deepEqual(record?.userIdentity, { principalId: 'AWS:test' });
});

test('a crash between enqueue and ack delivers again, and the queue keeps one event', async () => {
  const outbox = new MemoryOutbox();
  const buckets = new MemoryBuckets();
  buckets.config.set('photos', [{ id: 'all', functionArn: 'twice', events: ['s3:ObjectCreated:Put'], filterRules: [] }]);
  outbox.add('x.bin');
  outbox.failNextAck = true;
  const errors: unknown[] = [];
  const notifier = new S3Notifier({ outbox, buckets, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => undefined, onError: (err) => errors.push(err) });
  notifier.start();
  await settle(notifier, outbox);
  await notifier.dispose();
  assert.equal(errors.length, 1);
  assert.equal(outbox.records.length, 0);
  const queued = await temp.store.events.list({ account: '000000000000', region: 'us-east-1', name: 'twice', limit: 10 });
  assert.equal(queued.length, 1);
});

test('a failing configuration read leaves the change in the outbox for the next round', async () => {
  const outbox = new MemoryOutbox();
  let broken = true;
  const buckets: BucketNotificationSource = {
    lambdaNotifications: () => (broken ? Promise.reject(new Error('store busy')) : Promise.resolve([{ id: 'n', functionArn: 'later', events: ['s3:ObjectCreated:*'], filterRules: [] }])),
  };
  outbox.add('y.bin');
  const errors: unknown[] = [];
  const notifier = new S3Notifier({ outbox, buckets, queue: temp.store.events, clock: Date.now, wakeDispatcher: () => undefined, onError: (err) => errors.push(err), pollIntervalMs: 10 });
  notifier.start();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(outbox.records.length, 1);
  assert.ok(errors.length >= 1);
  broken = false;
  await settle(notifier, outbox);
  await notifier.dispose();
  assert.equal(outbox.records.length, 0);
  assert.equal((await temp.store.events.list({ account: '000000000000', region: 'us-east-1', name: 'later', limit: 10 })).length, 1);
  notifier.wake(); // after dispose: a no-op
  assert.equal(notifier.state, 'stopped');
});
