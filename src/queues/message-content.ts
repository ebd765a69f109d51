// What a message may contain (SQS developer guide, "Amazon SQS message quotas" and
// "message metadata"): its body's characters, at most 10 user attributes with valid
// names and types, the AWSTraceHeader system attribute, and a total size limit.
import type { MessageAttributeValue, MessageAttributes } from '../store/queue-ports.js';
import { QueueError, missingParameter } from './errors.js';

/** An attribute as a request carries it, before validation. */
export interface MessageAttributeInput {
  readonly dataType: string | undefined;
  readonly stringValue: string | undefined;
  readonly binaryValue: Buffer | undefined;
  /** StringListValues / BinaryListValues were given: the model has them, SQS does not implement them. */
  readonly listValues: boolean;
}

export const MAX_ATTRIBUTES = 10;
// Characters SQS accepts: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
// With the u flag a lone surrogate is its own code point, outside every allowed range.
// eslint-disable-next-line no-control-regex -- naming the allowed control characters is the point
const FORBIDDEN_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]{1,245})?$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function checkBody(body: string | undefined): string {
  if (body === undefined || body === '') throw missingParameter('MessageBody');
  if (FORBIDDEN_CHARACTER.test(body)) {
    throw new QueueError('InvalidMessageContents', 'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF');
  }
  return body;
}

function checkName(kind: string, name: string): void {
  const invalid = (why: string): QueueError => new QueueError('InvalidParameterValue', `Message ${kind} attribute name '${name}' is invalid. ${why}`);
  if (!ATTRIBUTE_NAME.test(name)) throw invalid('Names are 1 to 256 letters, digits, hyphens, underscores and periods.');
  if (name.startsWith('.') || name.endsWith('.') || name.includes('..')) throw invalid('A name cannot start or end with a period or hold two periods in a row.');
  if (/^(aws\.|amazon\.)/i.test(name)) throw new QueueError('InvalidParameterValue', `Message ${kind} attribute name '${name}' is reserved for use by AWS.`);
}

function checkValue(kind: string, name: string, input: MessageAttributeInput): MessageAttributeValue {
  if (input.listValues) throw new QueueError('InvalidParameterValue', 'Message attribute list values in SendMessage operation are not supported.');
  const dataType = input.dataType;
  if (dataType === undefined || dataType === '') throw new QueueError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute type.`);
  if (!DATA_TYPE.test(dataType)) {
    throw new QueueError('InvalidParameterValue', `The type of message ${kind} attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`);
  }
  const empty = (): QueueError => new QueueError('InvalidParameterValue', `The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${dataType.split('.')[0] ?? dataType}'.`);
  if (dataType.startsWith('Binary')) {
    if (input.binaryValue === undefined || input.binaryValue.length === 0) throw empty();
    return { dataType, binaryValue: input.binaryValue.toString('base64') };
  }
  const value = input.stringValue;
  if (value === undefined || value === '') throw empty();
  if (FORBIDDEN_CHARACTER.test(value)) throw new QueueError('InvalidParameterValue', `Message ${kind} attribute '${name}' value contains invalid characters.`);
  if (dataType.startsWith('Number') && (!NUMBER.test(value) || value.replace(/[^0-9]/g, '').replace(/^0+/, '').length > 38)) {
    throw new QueueError('InvalidParameterValue', `Can't cast the value of message ${kind} attribute '${name}' to a number.`);
  }
  return { dataType, stringValue: value };
}

export function checkMessageAttributes(input: Readonly<Record<string, MessageAttributeInput>> | undefined): MessageAttributes {
  const entries = Object.entries(input ?? {});
  if (entries.length > MAX_ATTRIBUTES) {
    throw new QueueError('InvalidParameterValue', `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    checkName('(user)', name);
    out[name] = checkValue('(user)', name, value);
  }
  return out;
}

/** Only AWSTraceHeader exists, as a String. */
export function checkSystemAttributes(input: Readonly<Record<string, MessageAttributeInput>> | undefined): MessageAttributes {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(input ?? {})) {
    if (name !== 'AWSTraceHeader') throw new QueueError('InvalidParameterValue', `Message system attribute name '${name}' is invalid.`);
    const checked = checkValue('system', name, value);
    if (checked.dataType !== 'String') throw new QueueError('InvalidParameterValue', `Message system attribute '${name}' must be of type 'String'.`);
    out[name] = checked;
  }
  return out;
}

/** The size SQS counts against MaximumMessageSize: body plus every attribute's name, type and value. */
export function messageSize(body: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, v] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(v.dataType);
    size += v.stringValue !== undefined ? Buffer.byteLength(v.stringValue) : Buffer.from(v.binaryValue ?? '', 'base64').length;
  }
  return size;
}
