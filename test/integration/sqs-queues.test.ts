// SQS queue management through @aws-sdk/client-sqs against a real `nimbus serve`:
// create (idempotent or QueueNameExists), URLs, listing, attributes, tags, purge, delete.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListDeadLetterSourceQueuesCommand, ListQueuesCommand,
  ListQueueTagsCommand, PurgeQueueCommand, SendMessageCommand, SetQueueAttributesCommand, TagQueueCommand, UntagQueueCommand, type SQSClient,
} from '@aws-sdk/client-sqs';
import { createQueue, sqsClient, sqsFailure as failure, startSqsServer, type SqsServer } from '../helpers/sqs.js';
import type { RunningServer } from '../helpers/server.js';

let running: SqsServer;
let server: RunningServer;
let sqs: SQSClient;

before(async () => {
  running = await startSqsServer();
  ({ server, sqs } = running);
});
after(() => running.dispose());


test('CreateQueue returns a URL the SDK uses; the same call again returns it, a different attribute is QueueNameExists', async () => {
  const url = await createQueue(sqs, 'orders', { VisibilityTimeout: '45', DelaySeconds: '2' });
  assert.equal(url, `${server.url}/000000000000/orders`);
  assert.equal(await createQueue(sqs, 'orders', { VisibilityTimeout: '45' }), url);
  assert.equal(await createQueue(sqs, 'orders'), url);
  const err = await failure(createQueue(sqs, 'orders', { DelaySeconds: '3' }));
  assert.equal(err.name, 'QueueNameExists');
  assert.equal(err.Code, 'QueueAlreadyExists');
  assert.match(err.message, /different value for attribute DelaySeconds/);
  assert.equal((await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }))).QueueUrl, url);
});

test('GetQueueAttributes: All, named ones, message counts and timestamps', async () => {
  const before = Math.floor(Date.now() / 1000);
  const url = await createQueue(sqs, 'attrs', { MaximumMessageSize: '2048', MessageRetentionPeriod: '600', ReceiveMessageWaitTimeSeconds: '3' });
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'visible' }));
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'delayed', DelaySeconds: 600 }));
  const all = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
  assert.equal(all.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:attrs');
  assert.equal(all.ApproximateNumberOfMessages, '1');
  assert.equal(all.ApproximateNumberOfMessagesNotVisible, '0');
  assert.equal(all.ApproximateNumberOfMessagesDelayed, '1');
  assert.equal(all.MaximumMessageSize, '2048');
  assert.equal(all.MessageRetentionPeriod, '600');
  assert.equal(all.ReceiveMessageWaitTimeSeconds, '3');
  assert.equal(all.VisibilityTimeout, '30');
  assert.equal(all.DelaySeconds, '0');
  assert.ok(Number(all.CreatedTimestamp) >= before && Number(all.CreatedTimestamp) <= before + 60);
  assert.equal(all.FifoQueue, undefined);
  const named = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'QueueArn'] }))).Attributes;
  assert.deepEqual(named, { VisibilityTimeout: '30', QueueArn: 'arn:aws:sqs:us-east-1:000000000000:attrs' });
  assert.equal((await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url }))).Attributes, undefined);
  const unknown = await failure(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Colour' as 'All'] })));
  assert.equal(unknown.name, 'InvalidAttributeName');
});

test('SetQueueAttributes changes values; bad names, values, FIFO-only and read-only attributes are refused', async () => {
  const url = await createQueue(sqs, 'settable');
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '0', DelaySeconds: '900', Policy: '{"Version":"2012-10-17"}' } }));
  const got = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['VisibilityTimeout', 'DelaySeconds', 'Policy'] }))).Attributes;
  assert.deepEqual(got, { VisibilityTimeout: '0', DelaySeconds: '900', Policy: '{"Version":"2012-10-17"}' });
  const range = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: '43201' } })));
  assert.equal(range.name, 'InvalidAttributeValue');
  assert.match(range.message, /VisibilityTimeout/);
  const name = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Colour: 'blue' } as Record<string, string> })));
  assert.equal(name.name, 'InvalidAttributeName');
  const fifoOnly = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { ContentBasedDeduplication: 'true' } })));
  assert.equal(fifoOnly.name, 'InvalidAttributeName');
  const readOnly = await failure(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { QueueArn: 'x' } })));
  assert.equal(readOnly.name, 'InvalidAttributeName');
});

test('queue names: FIFO names end in .fifo, others may not; 80 characters at most', async () => {
  const cases: [string, Record<string, string>][] = [['bad.fifo', {}], ['plain', { FifoQueue: 'true' }], ['a'.repeat(81), {}], ['sp ace', {}]];
  for (const [name, attributes] of cases) {
    const err = await failure(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })));
    assert.equal(err.Code, 'InvalidParameterValue', name);
  }
  assert.match(await createQueue(sqs, `${'f'.repeat(75)}.fifo`, { FifoQueue: 'true' }), /\.fifo$/);
});

test('ListQueues filters by prefix and pages with MaxResults and NextToken', async () => {
  for (const name of ['page-c', 'page-a', 'page-e', 'page-b', 'page-d']) await createQueue(sqs, name);
  const seen: string[] = [];
  let token: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'page-', MaxResults: 2, NextToken: token }));
    assert.ok((page.QueueUrls ?? []).length <= 2);
    seen.push(...(page.QueueUrls ?? []).map((u) => u.split('/').pop() ?? ''));
    token = page.NextToken;
  } while (token);
  assert.deepEqual(seen, ['page-a', 'page-b', 'page-c', 'page-d', 'page-e']);
  const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'no-such-prefix' }));
  assert.equal(none.QueueUrls, undefined);
  const bad = await failure(sqs.send(new ListQueuesCommand({ MaxResults: 1001 })));
  assert.equal(bad.Code, 'InvalidParameterValue');
});

test('tags: at creation, TagQueue, UntagQueue, ListQueueTags; more than 50 is OverLimit', async () => {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: 'tagged', tags: { team: 'a', env: 'dev' } }))).QueueUrl ?? '';
  await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: 'prod', owner: 'me' } }));
  await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ['team'] }));
  assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { env: 'prod', owner: 'me' });
  const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
  const err = await failure(sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: many })));
  assert.equal(err.name, 'OverLimit');
  assert.equal(err.$metadata.httpStatusCode, 403);
});

test('PurgeQueue empties the queue; a second purge within 60 s is PurgeQueueInProgress', async () => {
  const url = await createQueue(sqs, 'purged');
  for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: `m${i}` }));
  await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes;
  assert.equal(attrs?.ApproximateNumberOfMessages, '0');
  const err = await failure(sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
  assert.equal(err.name, 'PurgeQueueInProgress');
  assert.equal(err.Code, 'AWS.SimpleQueueService.PurgeQueueInProgress');
});

test('DeleteQueue: the queue is gone for every operation; unknown queues and bad URLs get SQS errors', async () => {
  const url = await createQueue(sqs, 'doomed');
  await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
  const gone = await failure(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' })));
  assert.equal(gone.name, 'QueueDoesNotExist');
  assert.equal(gone.Code, 'AWS.SimpleQueueService.NonExistentQueue');
  assert.equal(gone.$metadata.httpStatusCode, 400);
  assert.equal((await failure(sqs.send(new GetQueueUrlCommand({ QueueName: 'doomed' })))).name, 'QueueDoesNotExist');
  assert.equal((await failure(sqs.send(new DeleteQueueCommand({ QueueUrl: url })))).name, 'QueueDoesNotExist');
  const address = await failure(sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${server.url}/not-a-queue-url`, AttributeNames: ['All'] })));
  assert.equal(address.name, 'InvalidAddress');
  const missing = await failure(sqs.send(new CreateQueueCommand({ QueueName: '' })));
  assert.equal(missing.Code, 'InvalidParameterValue');
});

test('queues are per account: another access key id (a 12-digit account) sees its own', async () => {
  const other = sqsClient(server, { accessKeyId: '123456789012' });
  try {
    const url = await createQueue(other, 'orders');
    assert.equal(url, `${server.url}/123456789012/orders`);
    const mine = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'orders' }));
    assert.deepEqual(mine.QueueUrls, [`${server.url}/000000000000/orders`]);
  } finally {
    other.destroy();
  }
});

test('ListDeadLetterSourceQueues lists the queues whose RedrivePolicy targets a queue', async () => {
  const dlq = await createQueue(sqs, 'dlq-listed');
  const arn = 'arn:aws:sqs:us-east-1:000000000000:dlq-listed';
  const policy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 3 });
  await createQueue(sqs, 'source-1', { RedrivePolicy: policy });
  const source2 = await createQueue(sqs, 'source-2');
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: source2, Attributes: { RedrivePolicy: policy } }));
  const out = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
  assert.deepEqual(out.queueUrls?.map((u) => u.split('/').pop()), ['source-1', 'source-2']);
  const stored = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: source2, AttributeNames: ['RedrivePolicy'] }))).Attributes?.RedrivePolicy;
  assert.deepEqual(JSON.parse(stored ?? ''), { deadLetterTargetArn: arn, maxReceiveCount: 3 });
  const missing = await failure(createQueue(sqs, 'source-3', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `${arn}-nope`, maxReceiveCount: 3 }) }));
  assert.equal(missing.Code, 'InvalidParameterValue');
  assert.match(missing.message, /does not exist/);
  const count = await failure(createQueue(sqs, 'source-4', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 0 }) }));
  assert.match(count.message, /maxReceiveCount/);
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: dlq, Attributes: { RedriveAllowPolicy: '{"redrivePermission":"denyAll"}' } }));
  const denied = await failure(createQueue(sqs, 'source-5', { RedrivePolicy: policy }));
  assert.match(denied.message, /RedriveAllowPolicy/);
});
