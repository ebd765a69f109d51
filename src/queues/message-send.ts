// Turns a SendMessage request into a message to store: validates it against the queue
// (type, size, delay, FIFO group and deduplication ids) and computes its MD5s.
import { createHash, randomUUID } from 'node:crypto';
import type { NewMessage, QueueRecord } from '../store/queue-ports.js';
import type { QueueSettings } from './attributes.js';
import { QueueError, invalidValue, missingParameter } from './errors.js';
import { md5Hex, md5OfAttributes } from './md5.js';
import { checkBody, checkMessageAttributes, checkSystemAttributes, messageSize, type MessageAttributeInput } from './message-content.js';

export interface SendInput {
  readonly body: string | undefined;
  readonly delaySeconds?: number | undefined;
  readonly attributes?: Readonly<Record<string, MessageAttributeInput>> | undefined;
  readonly systemAttributes?: Readonly<Record<string, MessageAttributeInput>> | undefined;
  readonly deduplicationId?: string | undefined;
  readonly groupId?: string | undefined;
}

export interface SendResult {
  readonly messageId: string;
  readonly md5OfMessageBody: string;
  readonly md5OfMessageAttributes: string | undefined;
  readonly md5OfMessageSystemAttributes: string | undefined;
  readonly sequenceNumber: string | undefined;
}

const MAX_DELAY_SECONDS = 900;
// MessageGroupId and MessageDeduplicationId: 1-128 alphanumeric or punctuation characters.
const FIFO_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

function checkFifoId(parameter: string, value: string): string {
  if (!FIFO_ID.test(value)) throw invalidValue(parameter, value, `${parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  return value;
}

function delayOf(queue: QueueRecord, settings: QueueSettings, delaySeconds: number | undefined): number {
  if (delaySeconds === undefined) return settings.delaySeconds;
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
    throw invalidValue('DelaySeconds', delaySeconds, `DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`);
  }
  // FIFO queues take a delay from the queue only (SQS: per-message delay is not supported).
  if (queue.fifo && delaySeconds !== 0) throw invalidValue('DelaySeconds', delaySeconds, 'The request include parameter that is not valid for this queue type.');
  return queue.fifo ? settings.delaySeconds : delaySeconds;
}

function fifoIds(queue: QueueRecord, settings: QueueSettings, input: SendInput, body: string): { groupId: string | undefined; deduplicationId: string | undefined } {
  const groupId = input.groupId === undefined ? undefined : checkFifoId('MessageGroupId', input.groupId);
  if (!queue.fifo) {
    if (input.deduplicationId !== undefined) {
      throw invalidValue('MessageDeduplicationId', input.deduplicationId, 'The request include parameter that is not valid for this queue type.');
    }
    return { groupId, deduplicationId: undefined };
  }
  if (groupId === undefined) throw missingParameter('MessageGroupId');
  if (input.deduplicationId !== undefined) return { groupId, deduplicationId: checkFifoId('MessageDeduplicationId', input.deduplicationId) };
  if (!settings.contentBasedDeduplication) {
    throw new QueueError('InvalidParameterValue', 'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly');
  }
  // Content-based deduplication: SHA-256 of the body only, not the attributes.
  return { groupId, deduplicationId: createHash('sha256').update(body, 'utf8').digest('hex') };
}

/** The raw size of a request's message, for the batch's total (checked before each entry's own rules). */
export function requestedSize(input: SendInput): number {
  let size = Buffer.byteLength(input.body ?? '', 'utf8');
  for (const [name, v] of Object.entries(input.attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(v.dataType ?? '') + Buffer.byteLength(v.stringValue ?? '') + (v.binaryValue?.length ?? 0);
  }
  return size;
}

export function prepareMessage(queue: QueueRecord, settings: QueueSettings, input: SendInput, senderId: string, now: number): NewMessage {
  const body = checkBody(input.body);
  const attributes = checkMessageAttributes(input.attributes);
  const systemAttributes = checkSystemAttributes(input.systemAttributes);
  if (messageSize(body, attributes) > settings.maximumMessageSize) {
    throw new QueueError('InvalidParameterValue', `One or more parameters are invalid. Reason: Message must be shorter than ${settings.maximumMessageSize} bytes.`);
  }
  const delay = delayOf(queue, settings, input.delaySeconds);
  const { groupId, deduplicationId } = fifoIds(queue, settings, input, body);
  return {
    messageId: randomUUID(), body, attributes, systemAttributes,
    md5OfBody: md5Hex(body), md5OfAttributes: md5OfAttributes(attributes), md5OfSystemAttributes: md5OfAttributes(systemAttributes),
    senderId, sentAt: now, visibleAt: now + delay * 1000, groupId, deduplicationId,
  };
}
