// Receipt handles: opaque to clients, they name the queue (its store id, so a handle from
// another queue or from a deleted queue of the same name is refused), the message, and
// the receive they came from (a token the store keeps for the latest receive only).
import type { ReceiptRef } from '../store/queue-ports.js';
import { QueueError } from './errors.js';

const VERSION = 'n1';
const TOKEN = /^[0-9a-f]{32}$/;
const MESSAGE_ID = /^[0-9a-f-]{36}$/;

export function encodeReceiptHandle(queueId: number, messageId: string, token: string): string {
  return Buffer.from(`${VERSION}:${queueId}:${messageId}:${token}`, 'utf8').toString('base64url');
}

export function invalidReceiptHandle(handle: string): QueueError {
  return new QueueError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
}

/** The message a handle names in this queue; ReceiptHandleIsInvalid when it is malformed or another queue's. */
export function decodeReceiptHandle(handle: string, queueId: number): ReceiptRef {
  const parts = /^[A-Za-z0-9_-]+$/.test(handle) ? Buffer.from(handle, 'base64url').toString('utf8').split(':') : [];
  const [version, queue, messageId, token] = parts;
  if (parts.length !== 4 || version !== VERSION || queue !== String(queueId) || !MESSAGE_ID.test(messageId ?? '') || !TOKEN.test(token ?? '')) {
    throw invalidReceiptHandle(handle);
  }
  return { messageId: messageId as string, receiptToken: token as string };
}
