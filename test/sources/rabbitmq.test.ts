// The rabbitmq source against a real RabbitMQ: order, ack, release (the message comes again,
// redelivered), the broker as checkpoint across a restart (unacked come again, acked do
// not), competing readers of one queue, lag, config errors, the Lambda-shaped event.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { connect, type Channel, type ChannelModel, type Options } from 'amqplib';
import { rabbitMqSource, type RabbitMqConfig, type RabbitMqMessage } from '../../src/triggers/sources/rabbitmq.js';
import type { SourceContext, SourceRecord } from '../../src/triggers/sources/source-plugin.js';
import { requireService } from '../helpers/services.js';
import { closeEndsWaitingRead, never, readersCompete, readUntil, waitingReadWakesAndAborts } from './reader-checks.js';

const URL = process.env.NIMBUS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const skip = await requireService('RabbitMQ', 5672);
let producer: { connection: ChannelModel; channel: Channel } | undefined;
const queues: string[] = [];

after(async () => {
  if (!producer) return;
  for (const queue of queues) await producer.channel.deleteQueue(queue);
  await producer.connection.close();
});

async function fixture(overrides: Record<string, unknown> = {}): Promise<{ config: RabbitMqConfig; context: SourceContext }> {
  if (!producer) {
    const connection = await connect(URL);
    producer = { connection, channel: await connection.createChannel() };
  }
  const queue = `nimbus-test-${randomBytes(6).toString('hex')}`;
  queues.push(queue);
  await producer.channel.assertQueue(queue, { durable: false });
  const config = rabbitMqSource.parseConfig({ url: URL, queue, ...overrides });
  return { config, context: { mappingId: randomUUID(), onError: (err) => assert.fail(err as Error) } };
}

function publish(queue: string, bodies: string[], options: Options.Publish = {}): void {
  for (const body of bodies) producer!.channel.sendToQueue(queue, Buffer.from(body), options);
}

const message = (r: SourceRecord): RabbitMqMessage => r.payload as RabbitMqMessage;
const bodies = (records: readonly SourceRecord[]): string[] => records.map((r) => Buffer.from(message(r).data, 'base64').toString());
const invalid = (message: RegExp): { code: string; message: RegExp } => ({ code: 'InvalidParameterValueException', message });

test('rabbitmq source', { skip }, async (t) => {
  await t.test('config errors name the field; defaults', () => {
    const parse = (raw: unknown) => (): unknown => rabbitMqSource.parseConfig(raw);
    assert.throws(parse({ url: URL }), invalid(/^queue: is required/));
    assert.throws(parse({ url: 'http://x', queue: 'q' }), invalid(/^url: /));
    assert.throws(parse({ url: URL, queue: 'q', prefetch: 0 }), invalid(/^prefetch: /));
    assert.throws(parse({ url: URL, queue: 'q', declare: 'yes' }), invalid(/^declare: /));
    assert.throws(parse({ url: URL, queue: 'q', virtualHost: '' }), invalid(/^virtualHost: /));
    const config = rabbitMqSource.parseConfig({ url: URL, queue: 'q' });
    assert.equal(config.declare, false);
    assert.equal(config.prefetch, undefined);
  });

  await t.test('a queue that does not exist fails to open unless declare: true creates it', async () => {
    const { context } = await fixture();
    const queue = `nimbus-test-${randomBytes(6).toString('hex')}`;
    await assert.rejects(rabbitMqSource.open(rabbitMqSource.parseConfig({ url: URL, queue }), context), new RegExp(`queue '${queue}'`));
    queues.push(queue);
    const reader = await rabbitMqSource.open(rabbitMqSource.parseConfig({ url: URL, queue, declare: true }), context);
    await reader.close();
    assert.equal((await producer!.channel.checkQueue(queue)).messageCount, 0);
  });

  await t.test('reads in queue order, at most max a read (the default prefetch); ack removes them; event shape', async () => {
    const { config, context } = await fixture();
    publish(config.queue, ['a', 'b', 'c']);
    publish(config.queue, ['d'], {
      contentType: 'application/json', messageId: 'm-1', timestamp: 1_700_000_000, persistent: true, headers: { kind: 'x', n: 10 },
    });
    const reader = await rabbitMqSource.open(config, context);
    try {
      const first = await reader.read(2, 2000, never());
      assert.deepEqual(bodies(first), ['a', 'b']);
      assert.deepEqual(await reader.read(2, 200, never()), [], 'the broker holds back more than the batch size until an ack');
      await reader.ack(first);
      const rest = await readUntil(reader, 2);
      assert.deepEqual(bodies(rest), ['c', 'd']);
      const d = rest[1]!;
      assert.equal(d.timestamp, 1_700_000_000_000);
      const event = rabbitMqSource.event([d], config);
      assert.deepEqual(event, {
        eventSource: 'nimbus:rabbitmq',
        eventSourceArn: `arn:nimbus:rabbitmq:::queue///${config.queue}`,
        rmqMessagesByQueue: {
          [`${config.queue}::/`]: [{
            basicProperties: {
              contentType: 'application/json', contentEncoding: null,
              headers: { kind: { bytes: [...Buffer.from('x')] }, n: 10 },
              deliveryMode: 2, priority: null, correlationId: null, replyTo: null, expiration: null, messageId: 'm-1',
              timestamp: 'Nov 14, 2023, 10:13:20 PM', type: null, userId: null, appId: null, clusterId: null, bodySize: 1,
            },
            redelivered: false,
            data: Buffer.from('d').toString('base64'),
          }],
        },
      });
      await reader.ack(rest);
      assert.deepEqual(await reader.read(10, 200, never()), []);
      assert.equal(await reader.lag!(), 0);
    } finally {
      await reader.close();
    }
    const again = await rabbitMqSource.open(config, context);
    try {
      assert.deepEqual(await again.read(10, 300, never()), [], 'acknowledged messages do not come back');
    } finally {
      await again.close();
    }
  });

  await t.test('released messages come again, marked redelivered', async () => {
    const { config, context } = await fixture();
    publish(config.queue, ['a', 'b']);
    const reader = await rabbitMqSource.open(config, context);
    try {
      const records = await readUntil(reader, 2);
      assert.deepEqual(records.map((r) => message(r).redelivered), [false, false]);
      await reader.release(records);
      const again = await readUntil(reader, 2);
      assert.deepEqual(bodies(again), ['a', 'b']);
      assert.deepEqual(again.map((r) => message(r).redelivered), [true, true]);
      await reader.ack(again);
      assert.deepEqual(await reader.read(10, 200, never()), []);
    } finally {
      await reader.close();
    }
  });

  await t.test('closing without ack: the unacked come to the next reader, the acked do not', async () => {
    const { config, context } = await fixture();
    publish(config.queue, ['a', 'b', 'c', 'd']);
    const reader = await rabbitMqSource.open(config, context);
    const records = await readUntil(reader, 4);
    await reader.ack(records.slice(0, 2));
    await reader.close();
    await reader.close();
    const next = await rabbitMqSource.open(config, context);
    try {
      const again = await readUntil(next, 2);
      assert.deepEqual(bodies(again), ['c', 'd']);
      assert.deepEqual(await next.read(10, 200, never()), []);
      assert.ok(again.every((r) => message(r).redelivered));
      await next.ack(again);
    } finally {
      await next.close();
    }
  });

  await t.test('prefetch bounds what one reader holds', async () => {
    const { config, context } = await fixture({ prefetch: 2 });
    publish(config.queue, ['a', 'b', 'c']);
    const reader = await rabbitMqSource.open(config, context);
    try {
      const first = await reader.read(10, 1000, never());
      assert.deepEqual(bodies(first), ['a', 'b']);
      assert.deepEqual(await reader.read(10, 300, never()), []);
      await reader.ack(first);
      assert.deepEqual(bodies(await readUntil(reader, 1)), ['c']);
    } finally {
      await reader.close();
    }
  });

  await t.test('two readers of one queue never get the same message', async () => {
    // The check reads on without acknowledging: a prefetch above its reads lets it.
    const { config, context } = await fixture({ prefetch: 10 });
    const readers = await Promise.all([rabbitMqSource.open(config, context), rabbitMqSource.open(config, context)]);
    await readersCompete(...readers, (values) => Promise.resolve(publish(config.queue, values)), bodies)
      .finally(() => Promise.all(readers.map((r) => r.close())));
  });

  await t.test('a waiting read wakes when a message comes, ends on abort and on close', async () => {
    const { config, context } = await fixture();
    const reader = await rabbitMqSource.open(config, context);
    try {
      await waitingReadWakesAndAborts(reader, (values) => Promise.resolve(publish(config.queue, values)), bodies);
    } finally {
      await reader.close();
    }
    const empty = await fixture();
    await closeEndsWaitingRead(() => rabbitMqSource.open(empty.config, empty.context));
  });

  await t.test('lag counts the messages waiting in the queue', async () => {
    const { config, context } = await fixture();
    publish(config.queue, ['a', 'b', 'c']);
    await new Promise((r) => setTimeout(r, 100));
    const reader = await rabbitMqSource.open(config, context);
    try {
      assert.equal(await reader.lag!(), 3);
      await reader.ack(await readUntil(reader, 3));
      assert.equal(await reader.lag!(), 0);
    } finally {
      await reader.close();
    }
  });
});
