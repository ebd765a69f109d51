// Gathers one batch from a queue for a mapping: receives through the queue's message
// service (up to 10 a call, as SQS) until the batch is full, the batching window has
// passed since the first message, or the payload limit is near. While the queue is empty
// it waits on the queue's arrival signal, not on a timer: a send wakes it at once, and the
// next message to turn visible (a delay or a visibility timeout ending) bounds the wait.
// Unlike a long ReceiveMessage, the wait ends the moment the mapping is stopped.
import type { MessageService } from '../../queues/message-service.js';
import type { QueueService } from '../../queues/queue-service.js';
import type { ReceivedMessage } from '../../queues/received-message.js';
import type { ArrivalSignals } from '../../queues/signals.js';
import type { QueueKey } from '../../store/queue-ports.js';
import type { Clock } from '../../util/time.js';

export interface CollectorDeps {
  readonly queues: Pick<QueueService, 'get'>;
  readonly messages: Pick<MessageService, 'receive'>;
  readonly signals: ArrivalSignals;
  /** QueueRepository.nextVisibleAt: when the next delayed or in-flight message turns visible. */
  readonly nextVisibleAt: (queueId: number, now: number) => Promise<number | undefined>;
  readonly clock: Clock;
}

export interface CollectRequest {
  readonly queue: QueueKey;
  readonly batchSize: number;
  readonly windowSeconds: number;
  /** Epoch ms after which an empty queue ends the collection with no messages. */
  readonly idleUntil: number;
  readonly stop: AbortSignal;
}

/** Lambda's synchronous payload limit; a batch stops growing once its bodies reach it. */
export const PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;
/** SQS hands out at most 10 messages a receive. */
const RECEIVE_MAX = 10;
/** A single wait is bounded so that nothing depends on a signal never being missed. */
const MAX_WAIT_MS = 20_000;

/** Resolves when the queue may have a message for us, after `ms`, or when stopped. */
function arrival(signals: ArrivalSignals, queueId: number, seen: number, ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onStop = (): void => resolve();
    stop.addEventListener('abort', onStop, { once: true });
    void signals.wait(queueId, seen, ms).then(() => {
      stop.removeEventListener('abort', onStop);
      resolve();
    });
  });
}

export async function collectBatch(deps: CollectorDeps, request: CollectRequest): Promise<ReceivedMessage[]> {
  const batch: ReceivedMessage[] = [];
  let bytes = 0;
  let windowEnds: number | undefined;
  for (;;) {
    const queue = await deps.queues.get(request.queue); // a queue deleted and made again has a new id
    const seen = deps.signals.version(queue.id);
    const got = await deps.messages.receive(request.queue, { maxMessages: Math.min(RECEIVE_MAX, request.batchSize - batch.length), waitSeconds: 0 });
    for (const m of got) bytes += Buffer.byteLength(m.body);
    batch.push(...got);
    if (batch.length >= request.batchSize || bytes >= PAYLOAD_LIMIT_BYTES || request.stop.aborted) return batch;
    const now = deps.clock();
    if (batch.length > 0) {
      windowEnds ??= now + request.windowSeconds * 1000;
      if (now >= windowEnds) return batch;
      if (got.length > 0) continue; // more may be there already
    } else if (now >= request.idleUntil) {
      return batch;
    }
    const until = Math.min(windowEnds ?? request.idleUntil, (await deps.nextVisibleAt(queue.id, now)) ?? Infinity, now + MAX_WAIT_MS);
    await arrival(deps.signals, queue.id, seen, until - now, request.stop);
    if (deps.signals.closed) return batch; // the platform is stopping
  }
}
