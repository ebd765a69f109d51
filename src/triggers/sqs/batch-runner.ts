// Runs one collected batch: invokes the function through the ordinary synchronous invoke
// path (so logs and the invocation record see it, trigger 'queue'), then deletes what
// succeeded. Nothing else is deleted: failed messages turn visible again when their
// visibility timeout ends, and the queue's redrive policy moves them to its dead-letter
// queue after maxReceiveCount receives. FIFO queues are invoked one message group at a
// time, in order; once part of a group failed, the group's later messages are left too.
import { randomUUID } from 'node:crypto';
import { NimbusError } from '../../errors.js';
import type { InvokeRequest, InvokeResponse } from '../../invoke/invoke-service.js';
import type { BatchResult } from '../../queues/batch.js';
import type { ReceiptEntry } from '../../queues/message-service.js';
import type { ReceivedMessage } from '../../queues/received-message.js';
import type { QueueKey } from '../../store/queue-ports.js';
import type { FunctionKey } from '../../store/records.js';
import { PAYLOAD_LIMIT_BYTES } from './batch-collector.js';
import { messagesToDelete, reportedFailures } from './batch-response.js';
import { sqsEvent, sqsRecord } from './sqs-event.js';

export interface BatchRunnerDeps {
  readonly invoke: (request: InvokeRequest) => Promise<InvokeResponse>;
  readonly deleteBatch: (key: QueueKey, entries: readonly ReceiptEntry[]) => Promise<BatchResult<{ readonly id: string }>>;
  readonly onError: (err: unknown) => void;
}

export interface BatchTarget {
  readonly function: FunctionKey;
  readonly qualifier: string | undefined;
  readonly queue: QueueKey;
  readonly queueArn: string;
  readonly fifo: boolean;
  readonly reportBatchItemFailures: boolean;
}

/** How the batch went, worst part first; 'throttled' and 'not-found' make the poller back off. */
export type BatchOutcome = 'ok' | 'function-error' | 'throttled' | 'not-found' | 'platform-error';

const SEVERITY: Readonly<Record<BatchOutcome, number>> = { ok: 0, 'function-error': 1, 'platform-error': 2, 'not-found': 3, throttled: 4 };
const ENVELOPE_BYTES = 64;

interface Item {
  readonly message: ReceivedMessage;
  /** The record as JSON, serialised once: for the payload and its size. */
  readonly json: string;
  readonly bytes: number;
  readonly messageId: string;
  readonly groupId: string | undefined;
}

/** FIFO: one run per message group, in the order the groups first appear; standard: one run. */
function groupsOf(items: readonly Item[], fifo: boolean): Item[][] {
  if (!fifo) return [[...items]];
  const groups = new Map<string | undefined, Item[]>();
  for (const item of items) groups.set(item.groupId, [...(groups.get(item.groupId) ?? []), item]);
  return [...groups.values()];
}

/** Splits a run into invocations whose payload stays under Lambda's 6 MB. */
function chunksOf(items: readonly Item[]): Item[][] {
  const chunks: Item[][] = [];
  let current: Item[] = [];
  let size = ENVELOPE_BYTES;
  for (const item of items) {
    if (current.length > 0 && size + item.bytes > PAYLOAD_LIMIT_BYTES) {
      chunks.push(current);
      current = [];
      size = ENVELOPE_BYTES;
    }
    current.push(item);
    size += item.bytes + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function outcomeOfError(err: unknown): BatchOutcome {
  if (err instanceof NimbusError && err.code === 'TooManyRequestsException') return 'throttled';
  if (err instanceof NimbusError && err.code === 'ResourceNotFoundException') return 'not-found';
  return 'platform-error';
}

export class BatchRunner {
  readonly #deps: BatchRunnerDeps;

  constructor(deps: BatchRunnerDeps) {
    this.#deps = deps;
  }

  async run(target: BatchTarget, batch: readonly ReceivedMessage[]): Promise<BatchOutcome> {
    const items = batch.map((message): Item => {
      const json = JSON.stringify(sqsRecord(message, target.queueArn, target.queue.region));
      return { message, json, bytes: Buffer.byteLength(json), messageId: message.messageId, groupId: message.attributes.MessageGroupId };
    });
    let worst: BatchOutcome = 'ok';
    for (const group of groupsOf(items, target.fifo)) {
      for (const chunk of chunksOf(group)) {
        const { outcome, complete } = await this.#invoke(target, chunk);
        if (SEVERITY[outcome] > SEVERITY[worst]) worst = outcome;
        if (target.fifo && !complete) break; // the group's later messages wait for the failed ones
      }
    }
    return worst;
  }

  /** One invocation and its deletes; `complete` when every message of the chunk was deleted. */
  async #invoke(target: BatchTarget, chunk: readonly Item[]): Promise<{ outcome: BatchOutcome; complete: boolean }> {
    let response: InvokeResponse;
    try {
      response = await this.#deps.invoke({
        key: target.function, qualifier: target.qualifier, requestId: randomUUID(), payload: sqsEvent(chunk.map((i) => i.json)),
        trigger: 'queue', wantLogTail: false, traceId: chunk[0]?.message.attributes.AWSTraceHeader,
      });
    } catch (err) {
      const outcome = outcomeOfError(err);
      if (outcome === 'platform-error') this.#deps.onError(err);
      return { outcome, complete: false };
    }
    if (response.functionError !== undefined) return { outcome: 'function-error', complete: false };
    const failures = target.reportBatchItemFailures ? reportedFailures(response.payload, new Set(chunk.map((i) => i.messageId))) : new Set<string>();
    const done = messagesToDelete(chunk, failures, target.fifo);
    await this.#delete(target.queue, done);
    return { outcome: done.length === chunk.length ? 'ok' : 'function-error', complete: done.length === chunk.length };
  }

  async #delete(queue: QueueKey, items: readonly Item[]): Promise<void> {
    for (let i = 0; i < items.length; i += 10) {
      const entries = items.slice(i, i + 10).map((item, n) => ({ id: String(n), receiptHandle: item.message.receiptHandle }));
      try {
        const result = await this.#deps.deleteBatch(queue, entries);
        // A FIFO receipt whose visibility timeout passed is refused: the message is received again, as on SQS.
        for (const failed of result.failed) this.#deps.onError(new Error(`could not delete a processed message from ${queue.name}: ${failed.message}`));
      } catch (err) {
        this.#deps.onError(err); // the queue is gone, or the store failed: the messages come back, at least once
      }
    }
  }
}
