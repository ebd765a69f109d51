// The query protocol (form-encoded Action=…, XML answers) that older SDKs and CLIs speak,
// through raw HTTP posts, and the AWS CLI's `aws sqs` commands (whichever protocol the
// installed CLI speaks: CLI v1 and current v2 send JSON, Debian's v2.9 sends query).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { queryPost } from '../helpers/sqs.js';
import { startServer, type RunningServer } from '../helpers/server.js';

let server: RunningServer;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server.dispose();
});

// Repeated elements always as arrays, so one and many read alike; text kept as text.
// (`Message` is also the text of an error entry: only the element with children is a list.)
const parser = new XMLParser({
  parseTagValue: false, htmlEntities: true,
  isArray: (name, _path, isLeaf) => (name === 'Message' && !isLeaf) || ['Attribute', 'MessageAttribute', 'QueueUrl', 'BatchResultErrorEntry', 'SendMessageBatchResultEntry', 'Tag'].includes(name),
});

/** A parsed XML document, read by dotted paths (`A.B.0.C`). */
class Xml {
  constructor(readonly root: unknown) {}

  at(path: string): unknown {
    return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], this.root);
  }

  text(path: string): string {
    const value = this.at(path);
    assert.equal(typeof value, 'string', `${path} is text`);
    return value as string;
  }

  /** `<Attribute><Name/><Value/></Attribute>` lists as a record. */
  pairs(path: string): Record<string, unknown> {
    return Object.fromEntries(((this.at(path) ?? []) as { Name: string; Value: unknown }[]).map((a) => [a.Name, a.Value]));
  }
}

async function query(url: string, params: Record<string, string>, expectStatus = 200): Promise<Xml> {
  const response = await queryPost(url, params);
  assert.equal(response.status, expectStatus, response.text);
  assert.match(response.headers.get('content-type') ?? '', /xml/);
  return new Xml(parser.parse(response.text));
}

test('query protocol: create, send (posted to the queue URL), receive, attributes, delete, in XML', async () => {
  const created = await query(server.url, {
    Action: 'CreateQueue', QueueName: 'legacy', 'Attribute.1.Name': 'VisibilityTimeout', 'Attribute.1.Value': '0', 'Tag.1.Key': 'team', 'Tag.1.Value': 'x',
  });
  const url = created.text('CreateQueueResponse.CreateQueueResult.QueueUrl.0');
  assert.equal(url, `${server.url}/000000000000/legacy`);
  assert.ok(created.text('CreateQueueResponse.ResponseMetadata.RequestId'));

  const sent = await query(url, {
    Action: 'SendMessage', MessageBody: 'line one\r\nline <two> & more',
    'MessageAttribute.1.Name': 'Foo', 'MessageAttribute.1.Value.DataType': 'String', 'MessageAttribute.1.Value.StringValue': 'Bar',
  });
  assert.equal(sent.text('SendMessageResponse.SendMessageResult.MD5OfMessageAttributes'), 'ae7155c6026991b6d54b11589678bf9c'); // recorded from AWS for Foo=Bar

  const received = await query(server.url, { Action: 'ReceiveMessage', QueueUrl: url, 'AttributeName.1': 'All', 'MessageAttributeName.1': 'All' });
  const message = 'ReceiveMessageResponse.ReceiveMessageResult.Message.0';
  assert.equal(received.text(`${message}.Body`), 'line one\r\nline <two> & more', 'a \\r survives the XML');
  assert.equal(received.text(`${message}.MessageId`), sent.text('SendMessageResponse.SendMessageResult.MessageId'));
  assert.equal(received.pairs(`${message}.Attribute`).ApproximateReceiveCount, '1');
  assert.deepEqual(received.pairs(`${message}.MessageAttribute`).Foo, { DataType: 'String', StringValue: 'Bar' });

  const attributes = await query(url, { Action: 'GetQueueAttributes', 'AttributeName.1': 'All' });
  const all = attributes.pairs('GetQueueAttributesResponse.GetQueueAttributesResult.Attribute');
  assert.equal(all.QueueArn, 'arn:aws:sqs:us-east-1:000000000000:legacy');
  assert.equal(all.VisibilityTimeout, '0');
  const tags = await query(url, { Action: 'ListQueueTags' });
  assert.deepEqual(tags.at('ListQueueTagsResponse.ListQueueTagsResult.Tag'), [{ Key: 'team', Value: 'x' }]);

  const deleted = await query(url, { Action: 'DeleteMessage', ReceiptHandle: received.text(`${message}.ReceiptHandle`) });
  assert.ok(deleted.text('DeleteMessageResponse.ResponseMetadata.RequestId'));
  const empty = await query(url, { Action: 'ReceiveMessage' });
  assert.equal(empty.at('ReceiveMessageResponse.ReceiveMessageResult'), '');
  const listed = await query(server.url, { Action: 'ListQueues', QueueNamePrefix: 'leg' });
  assert.deepEqual(listed.at('ListQueuesResponse.ListQueuesResult.QueueUrl'), [url]);
});

test('query protocol: batches report successes and failures per entry', async () => {
  const created = await query(server.url, { Action: 'CreateQueue', QueueName: 'legacy-batch' });
  const url = created.text('CreateQueueResponse.CreateQueueResult.QueueUrl.0');
  const out = await query(url, {
    Action: 'SendMessageBatch',
    'SendMessageBatchRequestEntry.1.Id': 'ok', 'SendMessageBatchRequestEntry.1.MessageBody': 'fine',
    'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'n', 'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'Number',
    'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': '42',
    'SendMessageBatchRequestEntry.2.Id': 'bad', 'SendMessageBatchRequestEntry.2.MessageBody': 'x', 'SendMessageBatchRequestEntry.2.DelaySeconds': '901',
  });
  const result = 'SendMessageBatchResponse.SendMessageBatchResult';
  assert.equal(out.text(`${result}.SendMessageBatchResultEntry.0.Id`), 'ok');
  assert.ok(out.text(`${result}.SendMessageBatchResultEntry.0.MD5OfMessageAttributes`));
  assert.deepEqual(out.at(`${result}.BatchResultErrorEntry.0`), {
    Id: 'bad', SenderFault: 'true', Code: 'InvalidParameterValue', Message: 'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
  });
});

test('query protocol errors: ErrorResponse with the legacy code, type and status', async () => {
  const missing = await query(`${server.url}/000000000000/nope`, { Action: 'GetQueueAttributes', 'AttributeName.1': 'All' }, 400);
  assert.equal(missing.text('ErrorResponse.Error.Code'), 'AWS.SimpleQueueService.NonExistentQueue');
  assert.equal(missing.text('ErrorResponse.Error.Type'), 'Sender');
  assert.ok(missing.text('ErrorResponse.RequestId'));
  const action = await query(server.url, { Action: 'FlyToTheMoon' }, 400);
  assert.equal(action.text('ErrorResponse.Error.Code'), 'InvalidAction');
  const param = await query(server.url, { Action: 'CreateQueue' }, 400);
  assert.equal(param.text('ErrorResponse.Error.Code'), 'MissingParameter');
  const receipt = await query(server.url, { Action: 'CreateQueue', QueueName: 'legacy-errors' });
  const url = receipt.text('CreateQueueResponse.CreateQueueResult.QueueUrl.0');
  const invalid = await query(url, { Action: 'DeleteMessage', ReceiptHandle: 'nonsense' }, 404);
  assert.equal(invalid.text('ErrorResponse.Error.Code'), 'ReceiptHandleIsInvalid');
  const range = await query(url, { Action: 'ReceiveMessage', MaxNumberOfMessages: 'lots' }, 400);
  assert.equal(range.text('ErrorResponse.Error.Code'), 'InvalidParameterValue');
});

test('an unsigned GET to a queue URL with Action in the query string is served', async () => {
  await query(server.url, { Action: 'CreateQueue', QueueName: 'unsigned' });
  const response = await fetch(`${server.url}/000000000000/unsigned?Action=GetQueueAttributes&AttributeName.1=QueueArn`);
  assert.equal(response.status, 200);
  const xml = new Xml(parser.parse(await response.text()));
  assert.equal(xml.pairs('GetQueueAttributesResponse.GetQueueAttributesResult.Attribute').QueueArn, 'arn:aws:sqs:us-east-1:000000000000:unsigned');
});

function awsCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const out = spawnSync('aws', ['--endpoint-url', server.url, '--output', 'json', 'sqs', ...args], {
    encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
  });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

const hasCli = spawnSync('aws', ['--version'], { encoding: 'utf8' }).status === 0;

test('the AWS CLI: aws sqs create-queue, send-message, receive-message, get-queue-attributes, delete-message', { skip: !hasCli && process.env.CI !== 'true' ? 'aws (the AWS CLI) is not on PATH' : false }, () => {
  assert.ok(hasCli, 'CI must have the AWS CLI (.ci/run installs awscli)');
  const created = awsCli(['create-queue', '--queue-name', 'from-cli', '--attributes', 'VisibilityTimeout=0']);
  assert.equal(created.status, 0, created.stderr);
  const url = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
  const sent = awsCli(['send-message', '--queue-url', url, '--message-body', 'hello cli', '--message-attributes', '{"a":{"DataType":"String","StringValue":"b"}}']);
  assert.equal(sent.status, 0, sent.stderr);
  const sentMd5 = (JSON.parse(sent.stdout) as { MD5OfMessageAttributes: string }).MD5OfMessageAttributes;
  assert.match(sentMd5, /^[0-9a-f]{32}$/);
  const received = awsCli(['receive-message', '--queue-url', url, '--attribute-names', 'All', '--message-attribute-names', 'All']);
  assert.equal(received.status, 0, received.stderr);
  type CliMessage = { Body: string; ReceiptHandle: string; MD5OfMessageAttributes: string; MessageAttributes: Record<string, { StringValue: string }>; Attributes: Record<string, string> };
  const [message] = (JSON.parse(received.stdout) as { Messages: CliMessage[] }).Messages;
  assert.equal(message?.Body, 'hello cli');
  assert.equal(message?.MD5OfMessageAttributes, sentMd5);
  assert.equal(message?.MessageAttributes.a?.StringValue, 'b');
  assert.equal(message?.Attributes.ApproximateReceiveCount, '1');
  const attributes = awsCli(['get-queue-attributes', '--queue-url', url, '--attribute-names', 'VisibilityTimeout']);
  assert.deepEqual(JSON.parse(attributes.stdout), { Attributes: { VisibilityTimeout: '0' } });
  assert.equal(awsCli(['delete-message', '--queue-url', url, '--receipt-handle', message?.ReceiptHandle ?? '']).status, 0);
  const missing = awsCli(['get-queue-url', '--queue-name', 'no-such-queue']);
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /NonExistentQueue|QueueDoesNotExist/);
});
