// The event an SQS event source mapping invokes a function with (lambda-reference §6.3,
// DefinitelyTyped trigger/sqs.d.ts): one record per message, system attributes as strings
// in Lambda's order, message attributes in Lambda's lower-camel shape.
import type { MessageAttributes } from '../../store/queue-ports.js';
import type { ReceivedMessage } from '../../queues/received-message.js';

export interface SqsMessageAttribute {
  readonly stringValue?: string;
  readonly binaryValue?: string;
  readonly stringListValues: readonly string[];
  readonly binaryListValues: readonly string[];
  readonly dataType: string;
}

export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, SqsMessageAttribute>>;
  readonly md5OfMessageAttributes?: string;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** The order of Lambda's recorded events (FIFO attributes where AWS's documentation shows them). */
const ATTRIBUTE_ORDER = [
  'ApproximateReceiveCount', 'AWSTraceHeader', 'SentTimestamp', 'SequenceNumber', 'MessageGroupId', 'SenderId', 'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp', 'DeadLetterQueueSourceArn',
];

function orderedAttributes(attributes: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ATTRIBUTE_ORDER) {
    const value = attributes[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function lambdaMessageAttributes(attributes: MessageAttributes): Record<string, SqsMessageAttribute> {
  return Object.fromEntries(Object.entries(attributes).map(([name, a]) => [name, {
    ...(a.stringValue !== undefined ? { stringValue: a.stringValue } : {}),
    ...(a.binaryValue !== undefined ? { binaryValue: a.binaryValue } : {}),
    stringListValues: [], binaryListValues: [], dataType: a.dataType,
  }]));
}

export function sqsRecord(message: ReceivedMessage, queueArn: string, region: string): SqsRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: orderedAttributes(message.attributes),
    messageAttributes: lambdaMessageAttributes(message.messageAttributes),
    ...(message.md5OfMessageAttributes !== undefined ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
    md5OfBody: message.md5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** The invocation payload for a batch, from its records already serialised (each once, as the batch was sized with them). */
export function sqsEvent(recordsJson: readonly string[]): Buffer {
  return Buffer.from(`{"Records":[${recordsJson.join(',')}]}`);
}
