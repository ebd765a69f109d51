// Messages reach the function as Lambda's SQS event and leave the queue only once the
// function succeeded; failures come back after the visibility timeout and end in the
// dead-letter queue; ReportBatchItemFailures returns exactly the failed messages.
// Real server, @aws-sdk/client-sqs and @aws-sdk/client-lambda, real sandboxes.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { createQueue } from '../helpers/sqs.js';
import { arnOf, createMapping, deployRecorder, queueDepth, readSink, startEsmServer, waitForState, waitUntilEmpty, type EsmServer } from './esm-support.js';

let s: EsmServer;
before(async () => {
  s = await startEsmServer();
});
after(() => s.dispose());

async function drain(url: string, timeoutMs = 20_000): Promise<string[]> {
  const bodies: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    bodies.push(...(got.Messages ?? []).map((m) => m.Body ?? ''));
    if (bodies.length > 0 && (got.Messages ?? []).length === 0) break;
  }
  return bodies.sort();
}

test('a message reaches the function as the exact SQS event, and is deleted after success', async () => {
  const sink = await deployRecorder(s, 'shape');
  const url = await createQueue(s.sqs, 'shape-in');
  await createMapping(s, { FunctionName: 'shape', EventSourceArn: arnOf('shape-in') });
  const sent = await s.sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: '{"order":42}',
    MessageAttributes: {
      Author: { DataType: 'String', StringValue: 'John Grisham' },
      WeeksOn: { DataType: 'Number', StringValue: '6' },
      Cover: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
    },
  }));
  const [recorded] = await readSink(s, sink, 1);
  const records = recorded?.event.Records ?? [];
  assert.equal(records.length, 1);
  const record = records[0];
  assert.ok(record);
  assert.deepEqual(Object.keys(record), [
    'messageId', 'receiptHandle', 'body', 'attributes', 'messageAttributes', 'md5OfMessageAttributes', 'md5OfBody', 'eventSource', 'eventSourceARN', 'awsRegion',
  ]);
  assert.equal(record.messageId, sent.MessageId);
  assert.equal(record.body, '{"order":42}');
  assert.equal(record.md5OfBody, sent.MD5OfMessageBody);
  assert.equal(record.md5OfMessageAttributes, sent.MD5OfMessageAttributes);
  assert.equal(record.eventSource, 'aws:sqs');
  assert.equal(record.eventSourceARN, arnOf('shape-in'));
  assert.equal(record.awsRegion, 'us-east-1');
  assert.ok(record.receiptHandle.length > 0);
  assert.deepEqual(Object.keys(record.attributes), ['ApproximateReceiveCount', 'SentTimestamp', 'SenderId', 'ApproximateFirstReceiveTimestamp']);
  assert.equal(record.attributes.ApproximateReceiveCount, '1');
  assert.equal(record.attributes.SenderId, '000000000000');
  assert.match(record.attributes.SentTimestamp ?? '', /^\d{13}$/);
  assert.deepEqual(record.messageAttributes, {
    Author: { stringValue: 'John Grisham', stringListValues: [], binaryListValues: [], dataType: 'String' },
    WeeksOn: { stringValue: '6', stringListValues: [], binaryListValues: [], dataType: 'Number' },
    Cover: { binaryValue: Buffer.from([1, 2, 3]).toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
  });
  await waitUntilEmpty(s, url);
});

test('FIFO: one invocation per message group, in order, with the FIFO attributes', async () => {
  const sink = await deployRecorder(s, 'fifo');
  const url = await createQueue(s.sqs, 'fifo-in.fifo', { FifoQueue: 'true' });
  const mapping = await createMapping(s, { FunctionName: 'fifo', EventSourceArn: arnOf('fifo-in.fifo'), Enabled: false });
  await s.sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: ['a1', 'b1', 'a2', 'a3', 'b2'].map((body) => ({ Id: body, MessageBody: body, MessageGroupId: body[0], MessageDeduplicationId: body })),
  }));
  await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
  const recorded = await readSink(s, sink, 2);
  const batches = recorded.map((r) => (r.event.Records ?? []).map((m) => m.body)).sort();
  assert.deepEqual(batches, [['a1', 'a2', 'a3'], ['b1', 'b2']]);
  const first = recorded.flatMap((r) => r.event.Records ?? []).find((m) => m.body === 'a2');
  assert.deepEqual(Object.keys(first?.attributes ?? {}), [
    'ApproximateReceiveCount', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId', 'ApproximateFirstReceiveTimestamp',
  ]);
  assert.equal(first?.attributes.MessageGroupId, 'a');
  assert.equal(first?.attributes.MessageDeduplicationId, 'a2');
  assert.match(first?.attributes.SequenceNumber ?? '', /^\d{20}$/);
  await waitUntilEmpty(s, url);
});

test('a failed batch comes back after the visibility timeout and ends in the dead-letter queue after maxReceiveCount', async () => {
  const sink = await deployRecorder(s, 'failing', {}, { timeout: 2 }); // within the queue's 2 s visibility timeout
  const dlq = await createQueue(s.sqs, 'failing-dlq');
  const url = await createQueue(s.sqs, 'failing-in', {
    VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('failing-dlq'), maxReceiveCount: 2 }),
  });
  await createMapping(s, { FunctionName: 'failing', EventSourceArn: arnOf('failing-in') });
  await s.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'fail' }));
  const recorded = await readSink(s, sink, 2);
  assert.deepEqual(recorded.map((r) => r.event.Records?.[0]?.attributes.ApproximateReceiveCount), ['1', '2']);
  assert.deepEqual(await drain(dlq), ['fail']);
  assert.deepEqual(await queueDepth(s, url), { visible: 0, inFlight: 0 });
});

test('ReportBatchItemFailures: only the reported messages come back; the others are deleted', async () => {
  const sink = await deployRecorder(s, 'partial', { MODE: 'partial' }, { timeout: 2 });
  const dlq = await createQueue(s.sqs, 'partial-dlq');
  const url = await createQueue(s.sqs, 'partial-in', {
    VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('partial-dlq'), maxReceiveCount: 1 }),
  });
  const mapping = await createMapping(s, { FunctionName: 'partial', EventSourceArn: arnOf('partial-in'), FunctionResponseTypes: ['ReportBatchItemFailures'], Enabled: false });
  assert.deepEqual(mapping.FunctionResponseTypes, ['ReportBatchItemFailures']);
  await s.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: ['ok-1', 'bad-2', 'ok-3', 'bad-4'].map((b) => ({ Id: b, MessageBody: b })) }));
  await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
  const [first] = await readSink(s, sink, 1);
  assert.deepEqual((first?.event.Records ?? []).map((r) => r.body).sort(), ['bad-2', 'bad-4', 'ok-1', 'ok-3']);
  // The two reported messages were received once (maxReceiveCount 1): the next receive moves them to the DLQ.
  assert.deepEqual(await drain(dlq), ['bad-2', 'bad-4']);
  await waitUntilEmpty(s, url);
});

test('ReportBatchItemFailures on a FIFO queue: a failure keeps the rest of its group; an unknown id fails the whole batch', async () => {
  const sink = await deployRecorder(s, 'fifo-partial', { MODE: 'partial' }, { timeout: 2 });
  const dlq = await createQueue(s.sqs, 'fifo-partial-dlq.fifo', { FifoQueue: 'true' });
  const url = await createQueue(s.sqs, 'fifo-partial-in.fifo', {
    FifoQueue: 'true', VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('fifo-partial-dlq.fifo'), maxReceiveCount: 1 }),
  });
  const mapping = await createMapping(s, {
    FunctionName: 'fifo-partial', EventSourceArn: arnOf('fifo-partial-in.fifo'), FunctionResponseTypes: ['ReportBatchItemFailures'], Enabled: false,
  });
  await s.sqs.send(new SendMessageBatchCommand({
    QueueUrl: url, Entries: ['ok-1', 'bad-2', 'ok-3'].map((b) => ({ Id: b, MessageBody: b, MessageGroupId: 'g', MessageDeduplicationId: b })),
  }));
  await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
  await readSink(s, sink, 1);
  assert.deepEqual(await drain(dlq), ['bad-2', 'ok-3'], 'ok-3 follows the failed bad-2 in its group, so it stays');
  await waitUntilEmpty(s, url);

  const garbageSink = await deployRecorder(s, 'garbage', { MODE: 'garbage' }, { timeout: 2 });
  const garbageDlq = await createQueue(s.sqs, 'garbage-dlq');
  const garbageUrl = await createQueue(s.sqs, 'garbage-in', {
    VisibilityTimeout: '2', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf('garbage-dlq'), maxReceiveCount: 1 }),
  });
  await createMapping(s, { FunctionName: 'garbage', EventSourceArn: arnOf('garbage-in'), FunctionResponseTypes: ['ReportBatchItemFailures'] });
  await s.sqs.send(new SendMessageCommand({ QueueUrl: garbageUrl, MessageBody: 'fine' }));
  await readSink(s, garbageSink, 1);
  assert.deepEqual(await drain(garbageDlq), ['fine'], 'an itemIdentifier not in the batch fails the whole batch');
});

test('a disabled mapping leaves messages in the queue; enabling it delivers them', async () => {
  const sink = await deployRecorder(s, 'toggle');
  const url = await createQueue(s.sqs, 'toggle-in');
  const mapping = await createMapping(s, { FunctionName: 'toggle', EventSourceArn: arnOf('toggle-in') });
  await waitForState(s, mapping.UUID ?? '', 'Enabled');
  const disabling = await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
  assert.equal(disabling.State, 'Disabling');
  await waitForState(s, mapping.UUID ?? '', 'Disabled');
  await s.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'while disabled' }));
  // Another receiver sees the message: the disabled mapping did not take it.
  const peek = await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0, WaitTimeSeconds: 1 }));
  assert.equal(peek.Messages?.[0]?.Body, 'while disabled');
  const enabling = await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: true }));
  assert.equal(enabling.State, 'Enabling');
  const [recorded] = await readSink(s, sink, 1);
  assert.equal(recorded?.event.Records?.[0]?.body, 'while disabled');
  await waitUntilEmpty(s, url);
});

test('disabling waits for the batch being run: it finishes, its message is deleted, then the mapping is Disabled', async () => {
  const sink = await deployRecorder(s, 'slow', { SLEEP_MS: '1500' });
  const url = await createQueue(s.sqs, 'slow-in');
  const mapping = await createMapping(s, { FunctionName: 'slow', EventSourceArn: arnOf('slow-in') });
  await s.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'in flight' }));
  const deadline = Date.now() + 10_000;
  while ((await queueDepth(s, url)).inFlight === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const disabling = await s.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
  assert.equal(disabling.State, 'Disabling');
  await waitForState(s, mapping.UUID ?? '', 'Disabled');
  assert.deepEqual(await queueDepth(s, url), { visible: 0, inFlight: 0 }, 'the running batch was settled before Disabled');
  const [recorded] = await readSink(s, sink, 1);
  assert.equal(recorded?.event.Records?.[0]?.body, 'in flight');
});
