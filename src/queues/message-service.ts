// Messages as SQS moves them: send (durable before it returns), receive with long polling,
// delete and visibility changes by receipt handle, and the retention sweep. This is the
// interface event source mappings poll with; nothing here knows about HTTP.
import type { NewMessage, QueueKey, QueueRecord, QueueRepository, ReceiptRef, StoredMessage } from '../store/queue-ports.js';
import type { Clock } from '../util/time.js';
import { randomHex } from '../util/random-hex.js';
import { settingsOf, type QueueSettings } from './attributes.js';
import { batchFailure, checkBatch, settleBatch, type BatchFailure, type BatchResult } from './batch.js';
import { QueueError, invalidValue } from './errors.js';
import { prepareMessage, requestedSize, type SendInput, type SendResult } from './message-send.js';
import { parseQueueArn, queueArn } from './names.js';
import { decodeReceiptHandle, encodeReceiptHandle } from './receipt-handle.js';
import { systemAttributesOf, type ReceivedMessage } from './received-message.js';
import type { QueueService } from './queue-service.js';
import type { ArrivalSignals } from './signals.js';

export interface MessageServiceDeps {
  readonly repository: QueueRepository;
  readonly queues: QueueService;
  readonly clock: Clock;
  readonly signals: ArrivalSignals;
  /** Called when the background retention sweep fails (it retries on its next tick). */
  readonly onError: (err: unknown) => void;
}

export interface ReceiveOptions {
  /** 1 to 10; default 1. */
  readonly maxMessages?: number | undefined;
  /** Long polling, 0 to 20 s; default the queue's ReceiveMessageWaitTimeSeconds. */
  readonly waitSeconds?: number | undefined;
  /** 0 to 43,200 s; default the queue's VisibilityTimeout. */
  readonly visibilityTimeout?: number | undefined;
}

export interface SendBatchEntry extends SendInput {
  readonly id: string;
}

export interface ReceiptEntry {
  readonly id: string;
  readonly receiptHandle: string;
}

export interface VisibilityEntry extends ReceiptEntry {
  readonly visibilityTimeout: number;
}

const MAX_BATCH_BYTES = 1_048_576;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_WAIT_SECONDS = 20;
// SQS's in-flight quotas: past them a standard queue answers OverLimit, a FIFO queue nothing.
const MAX_IN_FLIGHT = { standard: 120_000, fifo: 20_000 };
const DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const SWEEP_INTERVAL_MS = 60_000;

function checkRange(parameter: string, value: number | undefined, min: number, max: number, reason: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) throw invalidValue(parameter, value, reason);
}

export class MessageService {
  readonly #repo: QueueRepository;
  readonly #queues: QueueService;
  readonly #clock: Clock;
  readonly #signals: ArrivalSignals;
  readonly #onError: (err: unknown) => void;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(deps: MessageServiceDeps) {
    this.#repo = deps.repository;
    this.#queues = deps.queues;
    this.#clock = deps.clock;
    this.#signals = deps.signals;
    this.#onError = deps.onError;
  }

  /** Starts the background sweep that deletes messages past retention (reads skip them anyway). */
  start(): void {
    this.#sweeper ??= setInterval(() => {
      this.#repo.deleteExpired(this.#clock()).catch(this.#onError);
    }, SWEEP_INTERVAL_MS).unref();
  }

  /** Stops the sweep and ends every long poll at once (the platform is stopping). Idempotent. */
  dispose(): void {
    clearInterval(this.#sweeper);
    this.#signals.close();
  }

  async send(key: QueueKey, input: SendInput, senderId: string): Promise<SendResult> {
    const queue = await this.#queues.get(key);
    const now = this.#clock();
    const message = prepareMessage(queue, settingsOf(queue), input, senderId, now);
    const [outcome] = await this.#store(queue, [message], now);
    return this.#result(message, outcome?.messageId ?? message.messageId, outcome?.sequenceNumber);
  }

  async sendBatch(key: QueueKey, entries: readonly SendBatchEntry[], senderId: string): Promise<BatchResult<SendResult & { readonly id: string }>> {
    checkBatch(entries, 'SendMessageBatchRequestEntry');
    const total = entries.reduce((sum, e) => sum + requestedSize(e), 0);
    if (total > MAX_BATCH_BYTES) throw new QueueError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`);
    const queue = await this.#queues.get(key);
    const settings = settingsOf(queue);
    const now = this.#clock();
    const prepared: { id: string; message: NewMessage }[] = [];
    const failed: BatchFailure[] = [];
    for (const entry of entries) {
      try {
        prepared.push({ id: entry.id, message: prepareMessage(queue, settings, entry, senderId, now) });
      } catch (err) {
        failed.push(batchFailure(entry.id, err));
      }
    }
    const outcomes = await this.#store(queue, prepared.map((p) => p.message), now);
    const successful = prepared.map((p, i) => ({ id: p.id, ...this.#result(p.message, outcomes[i]?.messageId ?? p.message.messageId, outcomes[i]?.sequenceNumber) }));
    return { successful, failed };
  }

  async #store(queue: QueueRecord, messages: readonly NewMessage[], now: number): ReturnType<QueueRepository['send']> {
    if (messages.length === 0) return [];
    const dedup = queue.fifo ? { scopeOf: settingsOf(queue).deduplicationScope, windowMs: DEDUPLICATION_WINDOW_MS } : undefined;
    const outcomes = await this.#repo.send(queue.id, messages, now, dedup);
    this.#signals.notify(queue.id);
    return outcomes;
  }

  #result(message: NewMessage, messageId: string, sequenceNumber: string | undefined): SendResult {
    return {
      messageId, md5OfMessageBody: message.md5OfBody, md5OfMessageAttributes: message.md5OfAttributes,
      md5OfMessageSystemAttributes: message.md5OfSystemAttributes, sequenceNumber,
    };
  }

  /**
   * Leases up to maxMessages visible messages for the visibility timeout. With a wait, it
   * returns as soon as at least one message is available, or empty when the wait ends.
   * Messages received more than the queue's maxReceiveCount times move to its dead-letter
   * queue instead of being returned.
   */
  async receive(key: QueueKey, options: ReceiveOptions = {}): Promise<readonly ReceivedMessage[]> {
    checkRange('MaxNumberOfMessages', options.maxMessages, 1, 10, 'Must be between 1 and 10, if provided.');
    checkRange('WaitTimeSeconds', options.waitSeconds, 0, MAX_WAIT_SECONDS, `Must be >= 0 and <= ${MAX_WAIT_SECONDS}, if provided.`);
    checkRange('VisibilityTimeout', options.visibilityTimeout, 0, MAX_VISIBILITY_SECONDS, `Must be >= 0 and <= ${MAX_VISIBILITY_SECONDS}, if provided.`);
    let queue = await this.#queues.get(key);
    const deadline = this.#clock() + (options.waitSeconds ?? settingsOf(queue).receiveWaitSeconds) * 1000;
    for (;;) {
      const seen = this.#signals.version(queue.id);
      const now = this.#clock();
      const messages = await this.#leaseOnce(queue, options, now);
      if (messages.length > 0 || now >= deadline || this.#signals.closed) return messages;
      const next = await this.#repo.nextVisibleAt(queue.id, now);
      await this.#signals.wait(queue.id, seen, Math.min(deadline, next ?? deadline) - now);
      queue = await this.#queues.get(key); // deleted or changed while waiting
    }
  }

  async #leaseOnce(queue: QueueRecord, options: ReceiveOptions, now: number): Promise<ReceivedMessage[]> {
    const settings = settingsOf(queue);
    const redrive = await this.#redriveTarget(queue, settings);
    const outcome = await this.#repo.receive({
      queueId: queue.id, now, max: options.maxMessages ?? 1, expiredBefore: now - settings.retentionSeconds * 1000,
      visibilityTimeoutMs: (options.visibilityTimeout ?? settings.visibilityTimeout) * 1000, fifo: queue.fifo, redrive,
      newToken: () => randomHex(16), maxInFlight: queue.fifo ? MAX_IN_FLIGHT.fifo : MAX_IN_FLIGHT.standard,
    });
    if (redrive && outcome.movedToDeadLetter > 0) this.#signals.notify(redrive.deadLetterQueueId);
    if (outcome.overLimit && !queue.fifo) {
      throw new QueueError('OverLimit', `The maximum number of in flight messages (${MAX_IN_FLIGHT.standard}) is reached for queue ${queue.name}.`);
    }
    return outcome.messages.map((m) => this.#received(queue, m));
  }

  /** The dead-letter queue's id when the queue has a RedrivePolicy whose target still exists. */
  async #redriveTarget(queue: QueueRecord, settings: QueueSettings): Promise<{ maxReceiveCount: number; deadLetterQueueId: number; sourceArn: string } | undefined> {
    if (!settings.redrive) return undefined;
    const target = parseQueueArn(settings.redrive.deadLetterTargetArn);
    const dlq = target ? await this.#repo.get(target) : undefined;
    if (!dlq || dlq.id === queue.id) return undefined;
    return { maxReceiveCount: settings.redrive.maxReceiveCount, deadLetterQueueId: dlq.id, sourceArn: queueArn(queue) };
  }

  #received(queue: QueueRecord, m: StoredMessage): ReceivedMessage {
    return {
      messageId: m.messageId, receiptHandle: encodeReceiptHandle(queue.id, m.messageId, m.receiptToken ?? ''), body: m.body, md5OfBody: m.md5OfBody,
      attributes: systemAttributesOf(m), messageAttributes: m.attributes, md5OfMessageAttributes: m.md5OfAttributes,
    };
  }

  async deleteMessage(key: QueueKey, receiptHandle: string): Promise<void> {
    const [error] = await this.#deleteEach(await this.#queues.get(key), [{ id: 'single', receiptHandle }]);
    if (error) throw error;
  }

  async deleteBatch(key: QueueKey, entries: readonly ReceiptEntry[]): Promise<BatchResult<{ readonly id: string }>> {
    checkBatch(entries, 'DeleteMessageBatchRequestEntry');
    return settleBatch(entries, await this.#deleteEach(await this.#queues.get(key), entries));
  }

  /**
   * Deletes by receipt handle. Standard queues, as SQS: a handle superseded by a later
   * receive succeeds without deleting, one whose timeout passed still deletes, and a
   * message already gone is a success. FIFO queues refuse a handle that is not the latest
   * receive's or whose timeout passed.
   */
  async #deleteEach(queue: QueueRecord, entries: readonly ReceiptEntry[]): Promise<(QueueError | undefined)[]> {
    const errors: (QueueError | undefined)[] = entries.map(() => undefined);
    const valid = this.#decode(queue, entries, errors);
    const results = await this.#repo.deleteMessages(queue.id, valid.map((v) => v.ref), this.#clock(), !queue.fifo);
    results.forEach((result, i) => {
      const { index, entry } = valid[i] as (typeof valid)[number];
      if (queue.fifo && (result === 'stale' || result === 'expired')) {
        errors[index] = invalidValue('ReceiptHandle', entry.receiptHandle, 'The receipt handle has expired.');
      }
    });
    return errors;
  }

  async changeVisibility(key: QueueKey, receiptHandle: string, visibilityTimeout: number): Promise<void> {
    const [error] = await this.#changeEach(await this.#queues.get(key), [{ id: 'single', receiptHandle, visibilityTimeout }]);
    if (error) throw error;
  }

  async changeVisibilityBatch(key: QueueKey, entries: readonly VisibilityEntry[]): Promise<BatchResult<{ readonly id: string }>> {
    checkBatch(entries, 'ChangeMessageVisibilityBatchRequestEntry');
    return settleBatch(entries, await this.#changeEach(await this.#queues.get(key), entries));
  }

  /** Sets each message's remaining visibility to the timeout from now (0: visible at once). */
  async #changeEach(queue: QueueRecord, entries: readonly VisibilityEntry[]): Promise<(QueueError | undefined)[]> {
    const errors: (QueueError | undefined)[] = entries.map(() => undefined);
    const valid = this.#decode(queue, entries, errors).filter(({ index, entry }) => {
      const timeout = entry.visibilityTimeout;
      const ok = Number.isInteger(timeout) && timeout >= 0 && timeout <= MAX_VISIBILITY_SECONDS;
      if (!ok) errors[index] = invalidValue('VisibilityTimeout', timeout, `Must be >= 0 and <= ${MAX_VISIBILITY_SECONDS}.`);
      return ok;
    });
    const changes = valid.map((v) => ({ ...v.ref, timeoutMs: v.entry.visibilityTimeout * 1000 }));
    const results = await this.#repo.changeVisibility(queue.id, changes, this.#clock(), MAX_VISIBILITY_SECONDS * 1000);
    results.forEach((result, i) => {
      const { index, entry } = valid[i] as (typeof valid)[number];
      const handle = (reason: string): QueueError => invalidValue('ReceiptHandle', entry.receiptHandle, reason);
      if (result === 'not-in-flight') errors[index] = new QueueError('MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
      else if (result === 'too-long') {
        errors[index] = invalidValue('VisibilityTimeout', entry.visibilityTimeout, `Total VisibilityTimeout for the message is beyond the limit [${MAX_VISIBILITY_SECONDS} seconds]`);
      } else if (result === 'stale') errors[index] = handle('The receipt handle has expired.');
      else if (result === 'gone') errors[index] = handle('Message does not exist or is not available for visibility timeout change.');
    });
    if (results.includes('changed')) this.#signals.notify(queue.id); // a message made visible sooner wakes long polls
    return errors;
  }

  /** Decodes each entry's handle; a bad one records ReceiptHandleIsInvalid in `errors` at its index. */
  #decode<T extends ReceiptEntry>(queue: QueueRecord, entries: readonly T[], errors: (QueueError | undefined)[]): { index: number; entry: T; ref: ReceiptRef }[] {
    const valid: { index: number; entry: T; ref: ReceiptRef }[] = [];
    entries.forEach((entry, index) => {
      try {
        valid.push({ index, entry, ref: decodeReceiptHandle(entry.receiptHandle, queue.id) });
      } catch (err) {
        if (!(err instanceof QueueError)) throw err;
        errors[index] = err;
      }
    });
    return valid;
  }
}
