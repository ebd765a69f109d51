// The queue store's port (SQS-compatible queues): queue records and their messages.
// Every implementation passes test/store/queue-store-contract.ts. The rules that need
// atomicity live here (a receive leases messages, moves the ones past maxReceiveCount to
// the dead-letter queue and honours FIFO groups in one transaction; FIFO deduplication is
// checked in the same transaction as the insert); everything else is the domain's
// (src/queues/).
import type { Scope } from './records.js';

export interface QueueKey extends Scope {
  readonly name: string;
}

export interface NewQueue extends QueueKey {
  readonly fifo: boolean;
  /** Every settable attribute with its normalised value (defaults included). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly lastModified: number;
}

export interface QueueRecord extends NewQueue {
  /** Assigned by the store; a queue deleted and created again gets a new id. */
  readonly id: number;
  /** Epoch ms of the last PurgeQueue, if any. */
  readonly purgedAt: number | undefined;
}

export interface QueueChanges {
  readonly attributes?: Readonly<Record<string, string>>;
  readonly tags?: Readonly<Record<string, string>>;
  readonly lastModified?: number;
}

/** A message attribute value as SQS carries it; binary values as base64. */
export interface MessageAttributeValue {
  readonly dataType: string;
  readonly stringValue?: string | undefined;
  readonly binaryValue?: string | undefined;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

export interface NewMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: MessageAttributes;
  readonly systemAttributes: MessageAttributes;
  readonly md5OfBody: string;
  readonly md5OfAttributes: string | undefined;
  readonly md5OfSystemAttributes: string | undefined;
  readonly senderId: string;
  readonly sentAt: number;
  /** Epoch ms at which the message is first visible (sentAt + delay). */
  readonly visibleAt: number;
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
}

export interface StoredMessage extends NewMessage {
  /** FIFO queues: the queue's sequence number, a 20-digit decimal string. */
  readonly sequenceNumber: string | undefined;
  readonly receiveCount: number;
  readonly firstReceivedAt: number | undefined;
  /** The token of the latest receive; a receipt handle carries it. */
  readonly receiptToken: string | undefined;
  /** Set when a redrive moved the message here from another queue. */
  readonly deadLetterSourceArn: string | undefined;
}

/** FIFO deduplication for a send: a message whose id was seen in the window is not stored again. */
export interface Deduplication {
  /** '' for the whole queue, else the message group (DeduplicationScope messageGroup). */
  readonly scopeOf: 'queue' | 'messageGroup';
  readonly windowMs: number;
}

export interface SendOutcome {
  readonly messageId: string;
  readonly sequenceNumber: string | undefined;
  /** True when a FIFO deduplication id matched: nothing new was stored. */
  readonly duplicate: boolean;
}

export interface ReceiveRequest {
  readonly queueId: number;
  readonly now: number;
  readonly max: number;
  /** Messages sent at or before this epoch-ms time are past retention and never returned. */
  readonly expiredBefore: number;
  readonly visibilityTimeoutMs: number;
  /** FIFO: skip groups with a message in flight, and keep order within a group. */
  readonly fifo: boolean;
  /** Receives beyond this count move the message to the dead-letter queue instead. */
  readonly redrive: { readonly maxReceiveCount: number; readonly deadLetterQueueId: number; readonly sourceArn: string } | undefined;
  /** Fresh receipt tokens, one per message returned (the store takes them in order). */
  readonly newToken: () => string;
  /** Stop leasing when this many messages of the queue are in flight (SQS's OverLimit). */
  readonly maxInFlight: number;
}

export interface ReceiveOutcome {
  readonly messages: readonly StoredMessage[];
  /** How many were moved to the dead-letter queue by this receive. */
  readonly movedToDeadLetter: number;
  /** True when nothing was leased because maxInFlight messages were already in flight. */
  readonly overLimit: boolean;
}

/** A message named by a receipt handle's parts. */
export interface ReceiptRef {
  readonly messageId: string;
  readonly receiptToken: string;
}

/**
 * - deleted / changed: done;
 * - gone: no such message in the queue (deleted already, expired, purged);
 * - stale: the message was received again since this receipt;
 * - expired: the receipt is the latest but its visibility timeout has passed;
 * - too-long: the new timeout would keep the message in flight past the limit.
 */
export type DeleteResult = 'deleted' | 'gone' | 'stale' | 'expired';
export type VisibilityResult = 'changed' | 'gone' | 'stale' | 'not-in-flight' | 'too-long';

export interface MessageCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export interface QueueRepository {
  /** Inserts the queue; undefined when the name is taken in its account and region. */
  create(queue: NewQueue): Promise<QueueRecord | undefined>;
  get(key: QueueKey): Promise<QueueRecord | undefined>;
  getById(id: number): Promise<QueueRecord | undefined>;
  /** Queues of a scope in name order whose name starts with `prefix`, after the name `after`. */
  list(scope: Scope, prefix: string, after: string | undefined, limit: number): Promise<readonly QueueRecord[]>;
  update(id: number, changes: QueueChanges): Promise<boolean>;
  /** Deletes the queue with its messages; false when it did not exist. */
  delete(id: number): Promise<boolean>;

  /**
   * Stores messages durably (all in one transaction). FIFO queues get sequence numbers, and
   * with `dedup` a message whose deduplication id was stored within the window is answered
   * with the first message's id instead of being stored.
   */
  send(queueId: number, messages: readonly NewMessage[], now: number, dedup: Deduplication | undefined): Promise<readonly SendOutcome[]>;
  /** Leases up to `max` visible messages (see ReceiveRequest); one transaction. */
  receive(request: ReceiveRequest): Promise<ReceiveOutcome>;
  /** Deletes by receipt; `allowExpired` deletes a latest receipt whose timeout passed (standard queues). */
  deleteMessages(queueId: number, receipts: readonly ReceiptRef[], now: number, allowExpired: boolean): Promise<readonly DeleteResult[]>;
  /** Sets each message's visibility to now + timeoutMs (0: visible now) if it is in flight under this receipt. */
  changeVisibility(queueId: number, changes: readonly (ReceiptRef & { readonly timeoutMs: number })[], now: number, maxInFlightMs: number): Promise<readonly VisibilityResult[]>;
  /** Deletes every message of the queue and records the purge time. */
  purge(queueId: number, now: number): Promise<number>;
  counts(queueId: number, now: number, expiredBefore: number): Promise<MessageCounts>;
  /** The earliest time after `now` at which a message of the queue becomes visible, if any. */
  nextVisibleAt(queueId: number, now: number): Promise<number | undefined>;
  /** Deletes messages past their queue's retention and deduplication ids past their window. */
  deleteExpired(now: number): Promise<number>;
}
