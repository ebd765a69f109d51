// The query protocol's flattened parameters decode into the JSON protocol's shapes, and
// outputs encode back into SQS's XML element names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeQuery, encodeStruct } from '../../src/api/sqs/query-codec.js';
import { QUERY_INPUT, QUERY_OUTPUT } from '../../src/api/sqs/query-shapes.js';

const params = (record: Record<string, string>): Map<string, string> => new Map(Object.entries(record));

test('nested batch entries with message attributes, ints converted, unknown scalars kept', () => {
  const input = decodeQuery(params({
    Action: 'SendMessageBatch', Version: '2012-11-05', QueueUrl: 'http://h/000000000000/q',
    'SendMessageBatchRequestEntry.1.Id': 'a', 'SendMessageBatchRequestEntry.1.MessageBody': 'one', 'SendMessageBatchRequestEntry.1.DelaySeconds': '5',
    'SendMessageBatchRequestEntry.1.MessageAttribute.1.Name': 'k', 'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType': 'String',
    'SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue': 'v',
    'SendMessageBatchRequestEntry.2.Id': 'b', 'SendMessageBatchRequestEntry.2.MessageBody': 'two', 'SendMessageBatchRequestEntry.2.DelaySeconds': 'soon',
  }), QUERY_INPUT.SendMessageBatch ?? {});
  assert.deepEqual(input, {
    QueueUrl: 'http://h/000000000000/q',
    Entries: [
      { Id: 'a', MessageBody: 'one', DelaySeconds: 5, MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } },
      { Id: 'b', MessageBody: 'two', DelaySeconds: 'soon' },
    ],
  });
});

test('maps and lists: Attribute.N.Name/Value, AttributeName.N; a gap ends a list', () => {
  assert.deepEqual(decodeQuery(params({ QueueName: 'q', 'Attribute.1.Name': 'DelaySeconds', 'Attribute.1.Value': '3', 'Tag.1.Key': 't', 'Tag.1.Value': 'v' }), QUERY_INPUT.CreateQueue ?? {}),
    { QueueName: 'q', Attributes: { DelaySeconds: '3' }, tags: { t: 'v' } });
  assert.deepEqual(decodeQuery(params({ QueueUrl: 'u', 'AttributeName.1': 'All', 'AttributeName.3': 'Lost' }), QUERY_INPUT.GetQueueAttributes ?? {}),
    { QueueUrl: 'u', AttributeNames: ['All'] });
});

test('outputs: flattened lists and maps under SQS element names, absent members left out', () => {
  const xml = encodeStruct({
    Messages: [{ MessageId: 'm', Body: 'b', Attributes: { SenderId: 's' }, MessageAttributes: { k: { DataType: 'String', StringValue: 'v', BinaryValue: undefined } }, MD5OfMessageAttributes: undefined }],
  }, QUERY_OUTPUT.ReceiveMessage ?? {});
  assert.deepEqual(xml, {
    Message: [{ MessageId: 'm', Body: 'b', Attribute: [{ Name: 'SenderId', Value: 's' }], MessageAttribute: [{ Name: 'k', Value: { DataType: 'String', StringValue: 'v' } }] }],
  });
  assert.deepEqual(encodeStruct({ Successful: [{ Id: 'a' }], Failed: [] }, QUERY_OUTPUT.DeleteMessageBatch ?? {}), { DeleteMessageBatchResultEntry: [{ Id: 'a' }] });
});
