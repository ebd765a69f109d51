// A received message as the domain hands it out (to the SQS API and to event source
// mappings): every system attribute and every message attribute. Callers that were
// asked for a subset narrow it with selectSystemAttributes / selectMessageAttributes,
// and MD5OfMessageAttributes is then of the subset, as SQS computes it.
import type { MessageAttributes, StoredMessage } from '../store/queue-ports.js';
import { md5OfAttributes } from './md5.js';

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  /** System attributes by SQS name (SenderId, SentTimestamp, ApproximateReceiveCount, …), as strings. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: MessageAttributes;
  readonly md5OfMessageAttributes: string | undefined;
}

/** Names ReceiveMessage accepts in AttributeNames / MessageSystemAttributeNames. */
export const MESSAGE_SYSTEM_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set([
  'All', 'SenderId', 'SentTimestamp', 'ApproximateReceiveCount', 'ApproximateFirstReceiveTimestamp', 'SequenceNumber',
  'MessageDeduplicationId', 'MessageGroupId', 'AWSTraceHeader', 'DeadLetterQueueSourceArn',
]);

export function systemAttributesOf(m: StoredMessage): Record<string, string> {
  const out: Record<string, string> = {
    SenderId: m.senderId,
    SentTimestamp: String(m.sentAt),
    ApproximateReceiveCount: String(m.receiveCount),
    ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt ?? m.sentAt),
  };
  if (m.sequenceNumber !== undefined) out.SequenceNumber = m.sequenceNumber;
  if (m.deduplicationId !== undefined) out.MessageDeduplicationId = m.deduplicationId;
  if (m.groupId !== undefined) out.MessageGroupId = m.groupId;
  const trace = m.systemAttributes.AWSTraceHeader?.stringValue;
  if (trace !== undefined) out.AWSTraceHeader = trace;
  if (m.deadLetterSourceArn !== undefined) out.DeadLetterQueueSourceArn = m.deadLetterSourceArn;
  return out;
}

export function selectSystemAttributes(all: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
  if (names.includes('All')) return { ...all };
  return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n] as string]));
}

/** `All` and `.*` select every attribute, `prefix.*` those whose name starts with `prefix`, anything else is an exact name. */
export function selectMessageAttributes(all: MessageAttributes, names: readonly string[]): MessageAttributes {
  if (names.some((n) => n === 'All' || n === '.*')) return all;
  const prefixes = names.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -2));
  const exact = new Set(names);
  return Object.fromEntries(Object.entries(all).filter(([name]) => exact.has(name) || prefixes.some((p) => name.startsWith(p))));
}

/** The message narrowed to what a ReceiveMessage asked for. */
export function narrow(message: ReceivedMessage, systemNames: readonly string[], attributeNames: readonly string[]): ReceivedMessage {
  const messageAttributes = selectMessageAttributes(message.messageAttributes, attributeNames);
  return {
    ...message,
    attributes: selectSystemAttributes(message.attributes, systemNames),
    messageAttributes,
    md5OfMessageAttributes: md5OfAttributes(messageAttributes),
  };
}
