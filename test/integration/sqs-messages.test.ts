// SQS messages through @aws-sdk/client-sqs against a real `nimbus serve`: send, receive
// (attributes, MD5s, long polling), delete, visibility, delays, batches and their errors.
// The SDK checks MD5OfMessageBody / MD5OfBody on every send and receive; attribute MD5s
// are checked here against values recorded from AWS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, DeleteMessageBatchCommand, DeleteMessageCommand, GetQueueAttributesCommand,
  ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SetQueueAttributesCommand, type Message, type SQSClient,
} from '@aws-sdk/client-sqs';
import { createQueue, sqsFailure as failure, startSqsServer, type SqsServer } from '../helpers/sqs.js';

let running: SqsServer;
let sqs: SQSClient;

before(async () => {
  running = await startSqsServer();
  ({ sqs } = running);
});
after(() => running.dispose());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


async function receive(url: string, extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {}): Promise<Message[]> {
  return (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, ...extra }))).Messages ?? [];
}

// Recorded from AWS (LocalStack's snapshot of test_receive_message_message_attribute_names_filters).
const RECORDED_ATTRIBUTES = {
  General: { DataType: 'String', StringValue: 'Kenobi' },
  Hello: { DataType: 'String', StringValue: 'There' },
  'Help.Me': { DataType: 'String', StringValue: 'Me' },
};

test('message attributes travel with their MD5s as AWS computes them, filtered by name, prefix and All', async () => {
  const url = await createQueue(sqs, 'attributes', { VisibilityTimeout: '0' });
  const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'msg', MessageAttributes: RECORDED_ATTRIBUTES }));
  assert.equal(sent.MD5OfMessageBody, '6e2baaf3b97dbeef01c0043275f9a0e7');
  assert.equal(sent.MD5OfMessageAttributes, '4c360f3fdafd970e05fae2f149d997f5');
  const cases: [string[] | undefined, string[], string | undefined][] = [
    [undefined, [], undefined],
    [['All'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
    [['.*'], ['General', 'Hello', 'Help.Me'], '4c360f3fdafd970e05fae2f149d997f5'],
    [['General', 'Hello'], ['General', 'Hello'], 'fca026605781cb4126a1e9044df24232'],
    [['Hello', 'Nope'], ['Hello'], 'a311262e065454b75da111d535b8dacd'],
    [['Hel.*'], ['Hello', 'Help.Me'], '83fee93c1bcd8b9a5a923ffacdc636c7'],
  ];
  for (const [names, expected, md5] of cases) {
    const [message] = await receive(url, { MessageAttributeNames: names, MaxNumberOfMessages: 1 });
    assert.deepEqual(Object.keys(message?.MessageAttributes ?? {}).sort(), expected, String(names));
    assert.equal(message?.MD5OfMessageAttributes, md5, String(names));
  }
});

test('binary and Number attributes, and AWSTraceHeader as a system attribute', async () => {
  const url = await createQueue(sqs, 'binary');
  const binary = Buffer.from('traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01', 'latin1');
  const sent = await sqs.send(new SendMessageCommand({
    QueueUrl: url, MessageBody: 'test', MessageAttributes: { attr1: { DataType: 'Binary', BinaryValue: binary }, n: { DataType: 'Number.int', StringValue: '-12.5e3' } },
    MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' } },
  }));
  assert.ok(sent.MD5OfMessageSystemAttributes);
  const [message] = await receive(url, { MessageAttributeNames: ['attr1'], MessageSystemAttributeNames: ['AWSTraceHeader'] });
  assert.equal(message?.MD5OfMessageAttributes, '8cbe4db156db8a94db8b801b7addb984'); // recorded from AWS
  assert.deepEqual(Buffer.from(message?.MessageAttributes?.attr1?.BinaryValue ?? []), binary);
  assert.deepEqual(message?.Attributes, { AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793' });
});

test('system attributes: SenderId, SentTimestamp, ApproximateReceiveCount, ApproximateFirstReceiveTimestamp', async () => {
  const url = await createQueue(sqs, 'system', { VisibilityTimeout: '0' });
  const sentAt = Date.now();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
  const [first] = await receive(url, { MessageSystemAttributeNames: ['All'] });
  // The deprecated AttributeNames list still works, as on SQS (typed for queue attribute names in the SDK).
  const [second] = await receive(url, { AttributeNames: ['ApproximateReceiveCount', 'SenderId'] as unknown as ['All'] });
  assert.equal(first?.Attributes?.ApproximateReceiveCount, '1');
  assert.equal(first?.Attributes?.SenderId, '000000000000');
  assert.ok(Math.abs(Number(first?.Attributes?.SentTimestamp) - sentAt) < 60_000);
  assert.ok(Number(first?.Attributes?.ApproximateFirstReceiveTimestamp) >= Number(first?.Attributes?.SentTimestamp));
  assert.deepEqual(second?.Attributes, { ApproximateReceiveCount: '2', SenderId: '000000000000' });
  const unknown = await failure(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['Colour' as 'All'] })));
  assert.equal(unknown.name, 'InvalidAttributeName');
});

test('a received message is invisible until its timeout passes, then comes back with ApproximateReceiveCount 2', async () => {
  const url = await createQueue(sqs, 'visibility', { VisibilityTimeout: '1' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'again' }));
  const [first] = await receive(url, { MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
  assert.equal(first?.Attributes?.ApproximateReceiveCount, '1');
  assert.deepEqual(await receive(url), []);
  const counts = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
  assert.equal(counts?.ApproximateNumberOfMessagesNotVisible, '1');
  const [again] = await receive(url, { WaitTimeSeconds: 5, MessageSystemAttributeNames: ['ApproximateReceiveCount'] });
  assert.equal(again?.MessageId, first?.MessageId);
  assert.equal(again?.Attributes?.ApproximateReceiveCount, '2');
  assert.notEqual(again?.ReceiptHandle, first?.ReceiptHandle);
  // The first receipt is stale: deleting with it succeeds but leaves the message (standard queues, as SQS documents).
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
  await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again?.ReceiptHandle, VisibilityTimeout: 0 }));
  const [third] = await receive(url, { VisibilityTimeout: 30 });
  assert.equal(third?.MessageId, first?.MessageId);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third?.ReceiptHandle }));
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: third?.ReceiptHandle })); // deleting twice is fine
  const after = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
  assert.equal(after?.ApproximateNumberOfMessages, '0');
  assert.equal(after?.ApproximateNumberOfMessagesNotVisible, '0');
});

test('long polling returns as soon as a message arrives, and empty when the wait ends', async () => {
  const url = await createQueue(sqs, 'long-poll');
  const started = Date.now();
  const polling = receive(url, { WaitTimeSeconds: 20 });
  await sleep(300);
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'arrived' }));
  const got = await polling;
  assert.equal(got[0]?.Body, 'arrived');
  assert.ok(Date.now() - started < 20_000, 'returned before WaitTimeSeconds elapsed');
  const emptyStart = Date.now();
  assert.deepEqual(await receive(url, { WaitTimeSeconds: 1 }), []);
  assert.ok(Date.now() - emptyStart >= 900, 'an empty long poll waits out its time');
  // The queue's ReceiveMessageWaitTimeSeconds is the default wait; a delayed message ends it when it turns visible.
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ReceiveMessageWaitTimeSeconds: '20' } }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 1 }));
  const delayedStart = Date.now();
  const [delayed] = await receive(url);
  assert.equal(delayed?.Body, 'delayed');
  assert.ok(Date.now() - delayedStart < 20_000);
});

test('two receivers never get the same visible message', async () => {
  const url = await createQueue(sqs, 'competing');
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) }));
  const batches = await Promise.all(Array.from({ length: 6 }, () => receive(url, { MaxNumberOfMessages: 3 })));
  const ids = batches.flat().map((m) => m.MessageId);
  assert.equal(ids.length, 10);
  assert.equal(new Set(ids).size, 10);
});

test('DelaySeconds per message and per queue keep messages invisible, counted as delayed', async () => {
  const url = await createQueue(sqs, 'delays', { DelaySeconds: '1' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'queue delay' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'no delay', DelaySeconds: 0 }));
  const now = await receive(url);
  assert.deepEqual(now.map((m) => m.Body), ['no delay']);
  const counts = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }))).Attributes;
  assert.equal(counts?.ApproximateNumberOfMessagesDelayed, '1');
  const later = await receive(url, { WaitTimeSeconds: 5 });
  assert.deepEqual(later.map((m) => m.Body), ['queue delay']);
  const err = await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', DelaySeconds: 901 })));
  assert.equal(err.Code, 'InvalidParameterValue');
});

test('SendMessageBatch: each entry succeeds or fails on its own; batch-level errors are SQS\'s', async () => {
  const url = await createQueue(sqs, 'batches', { MaximumMessageSize: '1024' });
  const out = await sqs.send(new SendMessageBatchCommand({
    QueueUrl: url,
    Entries: [
      { Id: 'ok', MessageBody: 'fine', MessageAttributes: { a: { DataType: 'String', StringValue: 'b' } } },
      { Id: 'big', MessageBody: 'x'.repeat(1025) },
      { Id: 'bad-chars', MessageBody: 'nul \u0000 here' },
      { Id: 'reserved', MessageBody: 'x', MessageAttributes: { 'AWS.x': { DataType: 'String', StringValue: 'v' } } },
    ],
  }));
  assert.deepEqual(out.Successful?.map((s) => s.Id), ['ok']);
  assert.ok(out.Successful?.[0]?.MD5OfMessageAttributes);
  const failed = Object.fromEntries((out.Failed ?? []).map((f) => [f.Id ?? '', f] as const));
  assert.equal(failed.big?.Code, 'InvalidParameterValue');
  assert.match(failed.big?.Message ?? '', /shorter than 1024 bytes/);
  assert.equal(failed['bad-chars']?.Code, 'InvalidMessageContents');
  assert.equal(failed.reserved?.SenderFault, true);
  const cases: [string, () => Promise<unknown>][] = [
    ['EmptyBatchRequest', () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] }))],
    ['TooManyEntriesInBatchRequest', () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })) }))],
    ['BatchEntryIdsNotDistinct', () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'same', MessageBody: 'a' }, { Id: 'same', MessageBody: 'b' }] }))],
    ['InvalidBatchEntryId', () => sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'bad:id', ReceiptHandle: 'x' }] }))],
    ['BatchRequestTooLong', () => sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 5 }, (_, i) => ({ Id: `l${i}`, MessageBody: 'y'.repeat(250_000) })) }))],
  ];
  for (const [name, call] of cases) assert.equal((await failure(call())).name, name);
});

test('DeleteMessageBatch and ChangeMessageVisibilityBatch report bad receipt handles per entry', async () => {
  const url = await createQueue(sqs, 'receipts');
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: 'a' }, { Id: 'b', MessageBody: 'b' }] }));
  const got = await receive(url);
  assert.equal(got.length, 2);
  const changed = await sqs.send(new ChangeMessageVisibilityBatchCommand({
    QueueUrl: url,
    Entries: [{ Id: 'one', ReceiptHandle: got[0]?.ReceiptHandle, VisibilityTimeout: 60 }, { Id: 'bogus', ReceiptHandle: 'not-a-handle', VisibilityTimeout: 60 }],
  }));
  assert.deepEqual(changed.Successful?.map((s) => s.Id), ['one']);
  assert.equal(changed.Failed?.[0]?.Code, 'ReceiptHandleIsInvalid');
  const deleted = await sqs.send(new DeleteMessageBatchCommand({
    QueueUrl: url, Entries: [...got.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })), { Id: 'bogus', ReceiptHandle: 'AAAA' }],
  }));
  assert.deepEqual(deleted.Successful?.map((s) => s.Id), ['d0', 'd1']);
  assert.equal(deleted.Failed?.[0]?.Id, 'bogus');
  const invalid = await failure(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: 'garbage' })));
  assert.equal(invalid.name, 'ReceiptHandleIsInvalid');
  // A deleted message's visibility cannot change; one back in the queue is not in flight.
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'c' }));
  const [c] = await receive(url, { VisibilityTimeout: 0 });
  const notInflight = await failure(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: c?.ReceiptHandle, VisibilityTimeout: 10 })));
  assert.equal(notInflight.name, 'MessageNotInflight');
  const gone = await failure(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: got[0]?.ReceiptHandle, VisibilityTimeout: 10 })));
  assert.equal(gone.Code, 'InvalidParameterValue');
});

test('validation: bodies, attributes, parameters and ranges get SQS error codes', async () => {
  const url = await createQueue(sqs, 'validation');
  const cases: [string, () => Promise<unknown>][] = [
    ['MissingParameter', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: '' }))],
    ['InvalidMessageContents', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'bell \u0007' }))],
    ['InvalidParameterValue', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { n: { DataType: 'Number', StringValue: 'abc' } } }))],
    ['InvalidParameterValue', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: { n: { DataType: 'Colour', StringValue: 'red' } } }))],
    ['InvalidParameterValue', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageAttributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])) }))],
    ['InvalidParameterValue', () => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x', MessageDeduplicationId: 'd' }))],
    ['InvalidParameterValue', () => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 }))],
    ['InvalidParameterValue', () => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 }))],
    ['InvalidParameterValue', () => sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 43_201 }))],
  ];
  for (const [code, call] of cases) assert.equal((await failure(call())).Code, code);
  // The platform keeps serving after all that.
  assert.ok((await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'still here' }))).MessageId);
});
