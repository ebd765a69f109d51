// Request shapes of the SQS operations Nimbus serves, in the JSON protocol's member names
// (the SQS model, 2012-11-05). The query protocol decodes its form parameters into the same
// shapes (query-codec.ts), so one set of schemas validates both. Unknown members are
// ignored as the service ignores members newer SDKs send; null counts as absent.
import { z } from 'zod';
import { QueueError, invalidValue, missingParameter } from '../../queues/errors.js';

const text = z.string();
const integer = z.number().int();
const stringMap = z.record(z.string(), z.string());
const names = z.array(z.string());

const attributeValue = z.object({
  DataType: text.optional(),
  StringValue: text.optional(),
  /** base64 in both protocols. */
  BinaryValue: text.optional(),
  StringListValues: names.optional(),
  BinaryListValues: names.optional(),
});
export type WireAttributeValue = z.output<typeof attributeValue>;
const attributeMap = z.record(z.string(), attributeValue);

const queueUrl = { QueueUrl: text };
const sendFields = {
  MessageBody: text,
  DelaySeconds: integer.optional(),
  MessageAttributes: attributeMap.optional(),
  MessageSystemAttributes: attributeMap.optional(),
  MessageDeduplicationId: text.optional(),
  MessageGroupId: text.optional(),
};

export const WIRE = {
  CreateQueue: z.object({ QueueName: text, Attributes: stringMap.optional(), tags: stringMap.optional() }),
  DeleteQueue: z.object(queueUrl),
  GetQueueUrl: z.object({ QueueName: text, QueueOwnerAWSAccountId: text.optional() }),
  ListQueues: z.object({ QueueNamePrefix: text.optional(), NextToken: text.optional(), MaxResults: integer.optional() }),
  GetQueueAttributes: z.object({ ...queueUrl, AttributeNames: names.optional() }),
  SetQueueAttributes: z.object({ ...queueUrl, Attributes: stringMap }),
  TagQueue: z.object({ ...queueUrl, Tags: stringMap }),
  UntagQueue: z.object({ ...queueUrl, TagKeys: names }),
  ListQueueTags: z.object(queueUrl),
  PurgeQueue: z.object(queueUrl),
  ListDeadLetterSourceQueues: z.object({ ...queueUrl, NextToken: text.optional(), MaxResults: integer.optional() }),
  SendMessage: z.object({ ...queueUrl, ...sendFields }),
  SendMessageBatch: z.object({ ...queueUrl, Entries: z.array(z.object({ Id: text, ...sendFields })) }),
  ReceiveMessage: z.object({
    ...queueUrl,
    AttributeNames: names.optional(),
    MessageSystemAttributeNames: names.optional(),
    MessageAttributeNames: names.optional(),
    MaxNumberOfMessages: integer.optional(),
    VisibilityTimeout: integer.optional(),
    WaitTimeSeconds: integer.optional(),
    ReceiveRequestAttemptId: text.optional(),
  }),
  DeleteMessage: z.object({ ...queueUrl, ReceiptHandle: text }),
  DeleteMessageBatch: z.object({ ...queueUrl, Entries: z.array(z.object({ Id: text, ReceiptHandle: text })) }),
  ChangeMessageVisibility: z.object({ ...queueUrl, ReceiptHandle: text, VisibilityTimeout: integer }),
  ChangeMessageVisibilityBatch: z.object({ ...queueUrl, Entries: z.array(z.object({ Id: text, ReceiptHandle: text, VisibilityTimeout: integer.optional() })) }),
} as const;

export type WireOperation = keyof typeof WIRE;
export type WireInput<K extends WireOperation> = z.output<(typeof WIRE)[K]>;

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

/** Validates an operation's input; a missing member is MissingParameter, a mistyped one InvalidParameterValue. */
export function parseInput<K extends WireOperation>(operation: K, raw: unknown): WireInput<K> {
  const input = withoutNulls(raw);
  const result = WIRE[operation].safeParse(input);
  if (result.success) return result.data as WireInput<K>;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.filter((p) => typeof p === 'string').join('.') || 'request';
  // zod 4 leaves `input` out of issues; look the member up to tell missing from mistyped.
  const value = path.reduce<unknown>((at, key) => (at as Record<PropertyKey, unknown> | undefined)?.[key], input);
  if (value === undefined) throw missingParameter(field);
  const expected = issue?.code === 'invalid_type' ? `must be ${issue.expected === 'number' ? 'an integer' : `a ${issue.expected}`}.` : (issue?.message ?? 'invalid.');
  throw invalidValue(field, typeof value === 'object' ? JSON.stringify(value) : value, expected);
}

/** The binary value of a message attribute: base64 on the wire. */
export function decodeBinary(name: string, value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 === 1) {
    throw new QueueError('InvalidParameterValue', `The message attribute '${name}' has a BinaryValue that is not valid base64.`);
  }
  return Buffer.from(value, 'base64');
}
