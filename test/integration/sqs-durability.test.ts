// Accepted messages survive kill -9: every SendMessage answered before the kill is there
// after a restart on the same data dir, queues keep their attributes, in-flight messages
// come back when their visibility timeout passes, and FIFO deduplication still holds.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { createQueue, sqsClient } from '../helpers/sqs.js';
import { makeDataDir, startServer } from '../helpers/server.js';

async function drain(sqs: SQSClient, url: string, expected: number): Promise<Message[]> {
  const seen = new Map<string, Message>();
  for (let polls = 0; seen.size < expected && polls < 20; polls++) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 60, MessageSystemAttributeNames: ['All'] }));
    for (const m of out.Messages ?? []) seen.set(m.MessageId ?? '', m);
  }
  return [...seen.values()];
}

test('kill -9 after the sends are answered: every message, queue and receive count is there after a restart', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startServer({ dataDir });
    const sqs1 = sqsClient(first);
    const url = await createQueue(sqs1, 'durable', { VisibilityTimeout: '1', MessageRetentionPeriod: '3600' });
    const fifo = await createQueue(sqs1, 'durable.fifo', { FifoQueue: 'true' });
    const ids = await Promise.all(Array.from({ length: 50 }, async (_, i) => (await sqs1.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }))).MessageId));
    const fifoFirst = await sqs1.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'once', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
    const inFlight = await sqs1.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 5 }));
    assert.equal(inFlight.Messages?.length, 5);
    sqs1.destroy();
    await first.stop('SIGKILL');

    const second = await startServer({ dataDir });
    const sqs2 = sqsClient(second);
    try {
      const attributes = (await sqs2.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'MessageRetentionPeriod'] }))).Attributes;
      assert.deepEqual(attributes, { VisibilityTimeout: '1', MessageRetentionPeriod: '3600' });
      const messages = await drain(sqs2, url, 50);
      assert.deepEqual(new Set(messages.map((m) => m.MessageId)), new Set(ids));
      const received = new Set(inFlight.Messages?.map((m) => m.MessageId));
      for (const m of messages) assert.equal(m.Attributes?.ApproximateReceiveCount, received.has(m.MessageId) ? '2' : '1');
      // The deduplication window outlives the restart; sequence numbers keep growing.
      const dup = await sqs2.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'twice', MessageGroupId: 'g', MessageDeduplicationId: 'd1' }));
      assert.equal(dup.MessageId, fifoFirst.MessageId);
      const next = await sqs2.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: 'next', MessageGroupId: 'g', MessageDeduplicationId: 'd2' }));
      assert.ok(BigInt(next.SequenceNumber ?? 0) > BigInt(fifoFirst.SequenceNumber ?? 0));
    } finally {
      sqs2.destroy();
      await second.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a stop while a long poll waits answers it at once instead of holding the shutdown', async () => {
  const server = await startServer();
  const sqs = sqsClient(server);
  try {
    const url = await createQueue(sqs, 'waiting');
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).then((out) => out.Messages ?? []);
    await new Promise((r) => setTimeout(r, 300));
    const stopping = Date.now();
    assert.equal(await server.stop('SIGTERM'), 0);
    assert.ok(Date.now() - stopping < 15_000, 'the stop did not wait out the 20 s poll');
    assert.deepEqual(await polling, []);
  } finally {
    sqs.destroy();
    await server.dispose();
  }
});
