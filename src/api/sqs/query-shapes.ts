// The query protocol's names for the aggregate members of SQS requests and responses
// (the model's xmlName/xmlFlattened traits): lists and maps are flattened, so
// `Attributes` travels as `Attribute.1.Name` / `Attribute.1.Value` and `Entries` of
// SendMessageBatch as `SendMessageBatchRequestEntry.1.Id`. Members not listed are scalars
// under their own name; `int` members arrive as text and are converted.

export type Shape =
  | 'string'
  | 'int'
  | { readonly list: string; readonly member: Shape }
  | { readonly map: string; readonly key: string; readonly value: string; readonly of: Shape }
  | { readonly struct: Readonly<Record<string, Shape>> };

const stringMap = (entry: string, key = 'Name'): Shape => ({ map: entry, key, value: 'Value', of: 'string' });
const names = (member: string): Shape => ({ list: member, member: 'string' });
const attributeValue: Shape = {
  struct: { DataType: 'string', StringValue: 'string', BinaryValue: 'string', StringListValues: names('StringListValue'), BinaryListValues: names('BinaryListValue') },
};
const attributeMap = (entry: string): Shape => ({ map: entry, key: 'Name', value: 'Value', of: attributeValue });
const sendFields: Record<string, Shape> = {
  DelaySeconds: 'int', MessageAttributes: attributeMap('MessageAttribute'), MessageSystemAttributes: attributeMap('MessageSystemAttribute'),
};
const batchEntry = (entry: string, members: Record<string, Shape>): Shape => ({ list: entry, member: { struct: members } });
const batchResult = (entry: string, members: Record<string, Shape> = {}): Record<string, Shape> => ({
  Successful: batchEntry(entry, members), Failed: batchEntry('BatchResultErrorEntry', {}),
});

/** Request members that are not plain strings, per operation. */
export const QUERY_INPUT: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  CreateQueue: { Attributes: stringMap('Attribute'), tags: stringMap('Tag', 'Key') },
  ListQueues: { MaxResults: 'int' },
  GetQueueAttributes: { AttributeNames: names('AttributeName') },
  SetQueueAttributes: { Attributes: stringMap('Attribute') },
  TagQueue: { Tags: stringMap('Tag', 'Key') },
  UntagQueue: { TagKeys: names('TagKey') },
  ListDeadLetterSourceQueues: { MaxResults: 'int' },
  SendMessage: sendFields,
  SendMessageBatch: { Entries: batchEntry('SendMessageBatchRequestEntry', sendFields) },
  // The model gives MessageSystemAttributeNames the xmlName AttributeName too; both are read.
  ReceiveMessage: {
    AttributeNames: names('AttributeName'), MessageSystemAttributeNames: names('MessageSystemAttributeName'),
    MessageAttributeNames: names('MessageAttributeName'), MaxNumberOfMessages: 'int', VisibilityTimeout: 'int', WaitTimeSeconds: 'int',
  },
  DeleteMessageBatch: { Entries: batchEntry('DeleteMessageBatchRequestEntry', {}) },
  ChangeMessageVisibility: { VisibilityTimeout: 'int' },
  ChangeMessageVisibilityBatch: { Entries: batchEntry('ChangeMessageVisibilityBatchRequestEntry', { VisibilityTimeout: 'int' }) },
};

/** Response members that are not scalars, per operation; operations absent here answer with no Result element. */
export const QUERY_OUTPUT: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  CreateQueue: {},
  GetQueueUrl: {},
  ListQueues: { QueueUrls: names('QueueUrl') },
  GetQueueAttributes: { Attributes: stringMap('Attribute') },
  ListQueueTags: { Tags: stringMap('Tag', 'Key') },
  ListDeadLetterSourceQueues: { queueUrls: names('QueueUrl') },
  SendMessage: {},
  SendMessageBatch: batchResult('SendMessageBatchResultEntry'),
  ReceiveMessage: {
    Messages: { list: 'Message', member: { struct: { Attributes: stringMap('Attribute'), MessageAttributes: attributeMap('MessageAttribute') } } },
  },
  DeleteMessageBatch: batchResult('DeleteMessageBatchResultEntry'),
  ChangeMessageVisibilityBatch: batchResult('ChangeMessageVisibilityBatchResultEntry'),
};
