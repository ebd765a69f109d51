// FIFO queues (group ordering, one batch in flight per group, deduplication, sequence
// numbers) and redrive to a dead-letter queue, through @aws-sdk/client-sqs against a
// real `nimbus serve`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand,
  type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { createQueue, sqsFailure as failure, startSqsServer, type SqsServer } from '../helpers/sqs.js';

let running: SqsServer;
let sqs: SQSClient;

before(async () => {
  running = await startSqsServer();
  ({ sqs } = running);
});
after(() => running.dispose());


async function receive(url: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}): Promise<Message[]> {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['All'], ...extra }))).Messages ?? [];
}

async function send(url: string, body: string, group: string, dedup = body): Promise<string> {
  return (await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup }))).MessageId ?? '';
}

async function deleteAll(url: string, messages: Message[]): Promise<void> {
  await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
}

test('FIFO: order within a group, and no message of a group while an earlier one is in flight', async () => {
  const url = await createQueue(sqs, 'orders.fifo', { FifoQueue: 'true' });
  for (const body of ['g1-1', 'g1-2', 'g1-3']) await send(url, body, 'g1');
  await send(url, 'g2-1', 'g2');
  const [head] = await receive(url, { MaxNumberOfMessages: 1 });
  assert.equal(head?.Body, 'g1-1');
  assert.deepEqual((await receive(url)).map((m) => m.Body), ['g2-1'], 'g1 is blocked while g1-1 is in flight');
  assert.deepEqual(await receive(url), []);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: head?.ReceiptHandle }));
  const rest = await receive(url);
  assert.deepEqual(rest.map((m) => m.Body), ['g1-2', 'g1-3']);
  assert.equal(rest[0]?.Attributes?.MessageGroupId, 'g1');
  assert.equal(rest[0]?.Attributes?.MessageDeduplicationId, 'g1-2');
  assert.ok(BigInt(rest[1]?.Attributes?.SequenceNumber ?? 0) > BigInt(rest[0]?.Attributes?.SequenceNumber ?? 0));
  assert.match(rest[0]?.Attributes?.SequenceNumber ?? '', /^\d{20}$/);
});

test('FIFO deduplication: the same id within 5 minutes is accepted once, even after the first was deleted', async () => {
  const url = await createQueue(sqs, 'dedup.fifo', { FifoQueue: 'true' });
  const first = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'a', MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
  const again = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'b', MessageGroupId: 'g', MessageDeduplicationId: 'same' }));
  assert.equal(again.MessageId, first.MessageId);
  assert.equal(again.SequenceNumber, first.SequenceNumber);
  const got = await receive(url);
  assert.deepEqual(got.map((m) => m.Body), ['a']);
  await deleteAll(url, got);
  await send(url, 'c', 'g', 'same');
  assert.deepEqual(await receive(url), []);
});

test('FIFO content-based deduplication hashes the body; batches keep their order', async () => {
  const url = await createQueue(sqs, 'content.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' });
  const out = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'a', MessageBody: 'one', MessageGroupId: 'g' },
      { Id: 'b', MessageBody: 'two', MessageGroupId: 'g' },
      { Id: 'c', MessageBody: 'one', MessageGroupId: 'g' },
    ],
  }));
  assert.equal(out.Successful?.length, 3);
  assert.equal(out.Successful?.[2]?.MessageId, out.Successful?.[0]?.MessageId);
  const got = await receive(url);
  assert.deepEqual(got.map((m) => m.Body), ['one', 'two']);
});

test('FIFO rules: MessageGroupId required, no per-message delay, a deduplication id or content-based deduplication', async () => {
  const url = await createQueue(sqs, 'rules.fifo', { FifoQueue: 'true' });
  const group = await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' })));
  assert.equal(group.Code, 'MissingParameter');
  const delay = await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 2 })));
  assert.match(delay.message, /DelaySeconds/);
  const dedup = await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageGroupId: 'g' })));
  assert.match(dedup.message, /ContentBasedDeduplication/);
  const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
  assert.equal(attrs?.FifoQueue, 'true');
  assert.equal(attrs?.ContentBasedDeduplication, 'false');
  assert.equal(attrs?.DeduplicationScope, 'queue');
  assert.equal(attrs?.FifoThroughputLimit, 'perQueue');
});

test('FIFO: a receipt whose visibility timeout passed cannot delete', async () => {
  const url = await createQueue(sqs, 'expiry.fifo', { FifoQueue: 'true', VisibilityTimeout: '1' });
  await send(url, 'm', 'g');
  const [first] = await receive(url);
  const [again] = await receive(url, { WaitTimeSeconds: 5 });
  assert.equal(again?.MessageId, first?.MessageId);
  assert.equal(again?.Attributes?.ApproximateReceiveCount, '2');
  const err = await failure(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle })));
  assert.equal(err.Code, 'InvalidParameterValue');
  assert.match(err.message, /receipt handle has expired/);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again?.ReceiptHandle }));
});

test('redrive: the receive that would exceed maxReceiveCount moves the message to the dead-letter queue', async () => {
  const dlq = await createQueue(sqs, 'dead-letters');
  const source = await createQueue(sqs, 'work', {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dead-letters', maxReceiveCount: '2' }),
  });
  const id = (await sqs.send(new SendMessageCommand({ QueueUrl: source, MessageBody: 'poison', MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } }))).MessageId;
  for (const count of ['1', '2']) {
    const [m] = await receive(source, { VisibilityTimeout: 0 });
    assert.equal(m?.Attributes?.ApproximateReceiveCount, count);
  }
  assert.deepEqual(await receive(source, { VisibilityTimeout: 0 }), []);
  const [dead] = await receive(dlq, { MessageAttributeNames: ['All'] });
  assert.equal(dead?.MessageId, id);
  assert.equal(dead?.Body, 'poison');
  assert.equal(dead?.MessageAttributes?.k?.StringValue, 'v');
  assert.equal(dead?.Attributes?.DeadLetterQueueSourceArn, 'arn:aws:sqs:us-east-1:000000000000:work');
  const counts = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: source, AttributeNames: ['All'] }))).Attributes;
  assert.equal(counts?.ApproximateNumberOfMessages, '0');
  assert.equal(counts?.ApproximateNumberOfMessagesNotVisible, '0');
});

test('redrive on a FIFO queue keeps the group in order behind the moved message; queue types must match', async () => {
  const dlq = await createQueue(sqs, 'dead.fifo', { FifoQueue: 'true' });
  const policy = JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:dead.fifo', maxReceiveCount: 1 });
  const source = await createQueue(sqs, 'jobs.fifo', { FifoQueue: 'true', RedrivePolicy: policy });
  await send(source, 'first', 'g');
  await send(source, 'second', 'g');
  const [once] = await receive(source, { MaxNumberOfMessages: 1, VisibilityTimeout: 0 });
  assert.equal(once?.Body, 'first');
  const [next] = await receive(source, { MaxNumberOfMessages: 1 });
  assert.equal(next?.Body, 'second');
  assert.deepEqual((await receive(dlq)).map((m) => m.Body), ['first']);
  const mismatch = await failure(createQueue(sqs, 'standard-source', { RedrivePolicy: policy }));
  assert.match(mismatch.message, /same type/);
});
