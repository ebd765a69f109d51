// The queue store contract (store/queue-ports.ts): every QueueRepository implementation
// passes these. Call queueStoreContract() from an implementation's test file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { StoreFixture } from './store-contract.js';
import type { NewMessage, QueueRecord, QueueRepository, ReceiveRequest } from '../../src/store/queue-ports.js';

const scope = { account: '000000000000', region: 'us-east-1' };
let counter = 0;

function message(body: string, at: number, over: Partial<NewMessage> = {}): NewMessage {
  counter++;
  return {
    messageId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, body, attributes: { a: { dataType: 'String', stringValue: 'b' } },
    systemAttributes: {}, md5OfBody: 'md5', md5OfAttributes: 'md5a', md5OfSystemAttributes: undefined, senderId: 'me', sentAt: at, visibleAt: at,
    groupId: undefined, deduplicationId: undefined, ...over,
  };
}

function receiveOf(queue: QueueRecord, now: number, over: Partial<ReceiveRequest> = {}): ReceiveRequest {
  let token = 0;
  return {
    queueId: queue.id, now, max: 10, expiredBefore: now - 3_600_000, visibilityTimeoutMs: 30_000, fifo: queue.fifo, redrive: undefined,
    newToken: () => `${String(++token).padStart(32, '0')}`, maxInFlight: 1000, ...over,
  };
}

export function queueStoreContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`queue store contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let queues: QueueRepository;
    const create = async (name: string, fifo = false): Promise<QueueRecord> => {
      const queue = await queues.create({ ...scope, name, fifo, attributes: { VisibilityTimeout: '30', MessageRetentionPeriod: '60' }, tags: {}, createdAt: 1, lastModified: 1 });
      assert.ok(queue);
      return queue;
    };
    before(async () => {
      fixture = await open();
      queues = fixture.store.queues;
    });
    after(async () => fixture.cleanup());

    test('create, get, list by prefix in name order, update, delete; a taken name is refused', async () => {
      const a = await create('c-alpha');
      await create('c-beta');
      await create('d-gamma');
      assert.equal(await queues.create({ ...scope, name: 'c-alpha', fifo: false, attributes: {}, tags: {}, createdAt: 2, lastModified: 2 }), undefined);
      assert.deepEqual(await queues.get({ ...scope, name: 'c-alpha' }), a);
      assert.deepEqual((await queues.list(scope, 'c-', undefined, 10)).map((q) => q.name), ['c-alpha', 'c-beta']);
      assert.deepEqual((await queues.list(scope, 'c-', 'c-alpha', 10)).map((q) => q.name), ['c-beta']);
      assert.equal(await queues.update(a.id, { tags: { t: 'v' }, lastModified: 5 }), true);
      const updated = await queues.getById(a.id);
      assert.deepEqual([updated?.tags, updated?.lastModified, updated?.attributes], [{ t: 'v' }, 5, a.attributes]);
      assert.equal(await queues.delete(a.id), true);
      assert.equal(await queues.get({ ...scope, name: 'c-alpha' }), undefined);
      assert.equal(await queues.delete(a.id), false);
    });

    test('a receive leases each visible message once until its visibility passes', async () => {
      const q = await create('leases');
      await queues.send(q.id, [message('one', 1000), message('two', 1000), message('later', 1000, { visibleAt: 5000 })], 1000, undefined);
      const first = await queues.receive(receiveOf(q, 2000, { max: 1 }));
      const second = await queues.receive(receiveOf(q, 2000));
      assert.deepEqual([...first.messages, ...second.messages].map((m) => m.body), ['one', 'two']);
      assert.deepEqual(await queues.counts(q.id, 2000, 0), { visible: 0, inFlight: 2, delayed: 1 });
      assert.equal(await queues.nextVisibleAt(q.id, 2000), 5000);
      const again = await queues.receive(receiveOf(q, 40_000));
      const counts = Object.fromEntries(again.messages.map((m) => [m.body, m.receiveCount]));
      assert.deepEqual(counts, { one: 2, two: 2, later: 1 });
    });

    test('delete and visibility changes go by the latest receipt token', async () => {
      const q = await create('receipts');
      await queues.send(q.id, [message('m', 0)], 0, undefined);
      const [got] = (await queues.receive(receiveOf(q, 10))).messages;
      const ref = { messageId: got?.messageId ?? '', receiptToken: got?.receiptToken ?? '' };
      assert.deepEqual(await queues.changeVisibility(q.id, [{ ...ref, timeoutMs: 0 }, { ...ref, receiptToken: 'x'.repeat(32), timeoutMs: 0 }], 20, 43_200_000), ['changed', 'stale']);
      assert.deepEqual(await queues.changeVisibility(q.id, [{ ...ref, timeoutMs: 10 }], 20, 43_200_000), ['not-in-flight']);
      assert.deepEqual(await queues.deleteMessages(q.id, [ref], 20, false), ['expired']);
      assert.deepEqual(await queues.deleteMessages(q.id, [ref], 20, true), ['deleted']);
      assert.deepEqual(await queues.deleteMessages(q.id, [ref], 20, true), ['gone']);
    });

    test('FIFO: sequence numbers, deduplication, and groups held while a message is in flight', async () => {
      const q = await create('store.fifo', true);
      const dedup = { scopeOf: 'queue' as const, windowMs: 300_000 };
      const sent = await queues.send(q.id, [message('g1-a', 0, { groupId: 'g1', deduplicationId: 'a' }), message('g1-b', 0, { groupId: 'g1', deduplicationId: 'b' }),
        message('dup', 0, { groupId: 'g2', deduplicationId: 'a' }), message('g2-c', 0, { groupId: 'g2', deduplicationId: 'c' })], 0, dedup);
      assert.deepEqual(sent.map((s) => s.duplicate), [false, false, true, false]);
      assert.equal(sent[2]?.messageId, sent[0]?.messageId);
      assert.ok(BigInt(sent[1]?.sequenceNumber ?? 0) > BigInt(sent[0]?.sequenceNumber ?? 0));
      const first = await queues.receive(receiveOf(q, 10, { max: 1 }));
      assert.deepEqual(first.messages.map((m) => m.body), ['g1-a']);
      const second = await queues.receive(receiveOf(q, 10));
      assert.deepEqual(second.messages.map((m) => m.body), ['g2-c']);
    });

    test('redrive moves messages past maxReceiveCount to the dead-letter queue in the same receive', async () => {
      const source = await create('redrive-source');
      const dlq = await create('redrive-dlq');
      await queues.send(source.id, [message('poison', 0)], 0, undefined);
      const redrive = { maxReceiveCount: 1, deadLetterQueueId: dlq.id, sourceArn: 'arn:aws:sqs:us-east-1:000000000000:redrive-source' };
      assert.equal((await queues.receive(receiveOf(source, 10, { redrive, visibilityTimeoutMs: 0 }))).messages.length, 1);
      const moved = await queues.receive(receiveOf(source, 20, { redrive }));
      assert.deepEqual([moved.messages.length, moved.movedToDeadLetter], [0, 1]);
      const [dead] = (await queues.receive(receiveOf(dlq, 30))).messages;
      assert.deepEqual([dead?.body, dead?.receiveCount, dead?.deadLetterSourceArn, dead?.sentAt], ['poison', 1, redrive.sourceArn, 0]);
    });

    test('purge, the in-flight limit and retention', async () => {
      const q = await create('limits');
      await queues.send(q.id, [message('a', 0), message('b', 0)], 0, undefined);
      await queues.receive(receiveOf(q, 10, { max: 1 }));
      assert.equal((await queues.receive(receiveOf(q, 10, { maxInFlight: 1 }))).overLimit, true);
      assert.equal(await queues.purge(q.id, 10), 2);
      assert.equal((await queues.getById(q.id))?.purgedAt, 10);
      await queues.send(q.id, [message('old', 0)], 0, undefined);
      assert.equal(await queues.deleteExpired(59_999), 0);
      assert.ok((await queues.deleteExpired(60_001)) >= 1); // MessageRetentionPeriod 60 s (every queue's old messages go)
      assert.deepEqual(await queues.counts(q.id, 60_001, -1), { visible: 0, inFlight: 0, delayed: 0 });
    });

    test('queues and messages survive a reopen', async () => {
      const q = await create('reopened');
      await queues.send(q.id, [message('kept', 0)], 0, undefined);
      queues = (await fixture.reopen()).queues;
      assert.deepEqual((await queues.receive(receiveOf(q, 10))).messages.map((m) => m.body), ['kept']);
    });
  });
}
