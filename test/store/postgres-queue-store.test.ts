// The queue store contract on PostgreSQL (cluster mode's store), plus what only a shared
// database can show: two nodes (two stores on one schema) receiving at once never hand one
// message out twice, and never read one FIFO group at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { Store } from '../../src/store/ports.js';
import type { NewMessage, QueueRecord, ReceiveRequest } from '../../src/store/queue-ports.js';
import { dropSchema, freshSchema, openPostgresFixture, requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import { queueStoreContract } from './queue-store-contract.js';

const scope = { account: '000000000000', region: 'us-east-1' };

function message(id: number, groupId?: string): NewMessage {
  return {
    messageId: `10000000-0000-4000-8000-${String(id).padStart(12, '0')}`, body: `m${id}`, attributes: {}, systemAttributes: {}, md5OfBody: 'md5',
    md5OfAttributes: undefined, md5OfSystemAttributes: undefined, senderId: 'me', sentAt: 0, visibleAt: 0, groupId,
    deduplicationId: groupId === undefined ? undefined : `d${id}`,
  };
}

function receiveOf(queue: QueueRecord, node: number, max: number): ReceiveRequest {
  let token = 0;
  return {
    queueId: queue.id, now: 10, max, expiredBefore: -1, visibilityTimeoutMs: 30_000, fifo: queue.fifo, redrive: undefined,
    newToken: () => `${node}-${++token}`, maxInFlight: 100_000,
  };
}

const skip = await requirePostgres();
if (skip) {
  test('PostgreSQL queue store contract', { skip }, () => undefined);
} else {
  queueStoreContract('postgres', openPostgresFixture);

  describe('queue store on PostgreSQL: several nodes', () => {
    const schema = freshSchema();
    let nodes: Store[] = [];
    before(async () => {
      const first = await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 });
      nodes = [first, await openPostgresStore(TEST_POSTGRES_URL, { schema, maxConnections: 4 })];
    });
    after(async () => {
      for (const node of nodes) await node.close();
      await dropSchema(schema);
    });
    const node = (i: number): Store => {
      const store = nodes[i % nodes.length];
      assert.ok(store);
      return store;
    };
    const create = async (name: string, fifo: boolean): Promise<QueueRecord> => {
      const queue = await node(0).queues.create({ ...scope, name, fifo, attributes: { MessageRetentionPeriod: '60' }, tags: {}, createdAt: 1, lastModified: 1 });
      assert.ok(queue);
      return queue;
    };

    test('receives racing on two nodes hand each message to one receiver only', async () => {
      const q = await create('race', false);
      await node(0).queues.send(q.id, Array.from({ length: 200 }, (_, i) => message(i)), 0, undefined);
      const outcomes = await Promise.all(Array.from({ length: 16 }, (_, i) => node(i).queues.receive(receiveOf(q, i, 10))));
      const received = outcomes.flatMap((o) => o.messages.map((m) => m.messageId));
      assert.equal(new Set(received).size, received.length, 'a message was handed out twice');
      assert.equal(received.length, 160);
      assert.deepEqual(await node(1).queues.counts(q.id, 10, -1), { visible: 40, inFlight: 160, delayed: 0 });
    });

    test('FIFO receives racing on two nodes never take two messages of one group', async () => {
      const dedup = { scopeOf: 'queue' as const, windowMs: 300_000 };
      const groups = ['g0', 'g1', 'g2', 'g3'];
      // Several rounds: a race that goes wrong only sometimes still shows.
      for (let round = 0; round < 6; round++) {
        const q = await create(`race-${round}.fifo`, true);
        await node(0).queues.send(q.id, Array.from({ length: 40 }, (_, i) => message(1000 + 100 * round + i, groups[i % groups.length])), 0, dedup);
        const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => node(i).queues.receive(receiveOf(q, i, 1))));
        const received = outcomes.flatMap((o) => o.messages);
        assert.deepEqual(received.map((m) => m.groupId).sort(), groups, 'one message per group, the rest held while it is in flight');
        const firsts = [0, 1, 2, 3].map((i) => `m${1000 + 100 * round + i}`);
        assert.deepEqual(received.map((m) => m.body).sort(), firsts, 'each group from its first message');
      }
    });

    test('FIFO sends racing on two nodes with one deduplication id store one message', async () => {
      const q = await create('dedup.fifo', true);
      const dedup = { scopeOf: 'queue' as const, windowMs: 300_000 };
      const sends = await Promise.all(Array.from({ length: 6 }, (_, i) =>
        node(i).queues.send(q.id, [{ ...message(2000 + i, 'g'), deduplicationId: 'same' }], 0, dedup)));
      const outcomes = sends.flat();
      assert.equal(outcomes.filter((o) => !o.duplicate).length, 1);
      assert.equal(new Set(outcomes.map((o) => o.messageId)).size, 1);
      assert.deepEqual(await node(0).queues.counts(q.id, 10, -1), { visible: 1, inFlight: 0, delayed: 0 });
    });
  });
}
