// Bucket notifications of the built-in object store: drains the object-event outbox
// (src/objects/object-events.ts), matches each change against its bucket's Lambda
// notifications, and enqueues one async invocation per match on the durable queue — so
// retries, MaximumEventAge/MaximumRetryAttempts and OnFailure destinations apply as to any
// async event. Outbox entries are acknowledged only once their invocations are durable;
// a crash in between delivers them again, and the derived event ids (deliveries.ts) make
// the second enqueue a no-op. Woken after each commit, on a timer, and at start (changes
// committed before a crash).
import type { BucketNotificationSource, LambdaNotification, ObjectEventOutbox, ObjectEventRecord } from '../../objects/object-events.js';
import type { EventQueue } from '../../store/ports.js';
import type { AsyncEvent } from '../../store/records.js';
import type { Clock } from '../../util/time.js';
import { deliveries } from './deliveries.js';
import type { ObjectChange } from './event-record.js';

export interface S3NotifierOptions {
  readonly outbox: ObjectEventOutbox;
  readonly buckets: BucketNotificationSource;
  readonly queue: Pick<EventQueue, 'enqueue'>;
  readonly clock: Clock;
  /** Tells the async dispatcher that events are waiting. */
  readonly wakeDispatcher: () => void;
  readonly onError: (err: unknown) => void;
  /** How often the outbox is looked at without a wake-up (changes committed by another process). */
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
}

export type NotifierState = 'idle' | 'running' | 'stopping' | 'stopped';

/** The record as an event source sees it; S3 shows an IAM principal as `AWS:<id>`. */
export function changeOf(record: ObjectEventRecord): ObjectChange {
  return { ...record, principalId: record.principalId.includes(':') ? record.principalId : `AWS:${record.principalId}` };
}

export class S3Notifier {
  readonly #o: S3NotifierOptions;
  #state: NotifierState = 'idle';
  #draining: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: S3NotifierOptions) {
    this.#o = options;
  }

  get state(): NotifierState {
    return this.#state;
  }

  /** Starts draining: first whatever a crash left in the outbox. */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    this.wake();
  }

  /** Drains now (a change was committed). Cheap to call often: one drain runs at a time. */
  wake(): void {
    if (this.#state !== 'running') return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#draining = this.#drain()
      .catch(this.#o.onError)
      .finally(() => {
        this.#draining = undefined;
        if (this.#state !== 'running') return;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else {
          this.#timer = setTimeout(() => this.wake(), this.#o.pollIntervalMs ?? 1000);
          this.#timer.unref();
        }
      });
  }

  /** Stops draining and waits for a drain in progress; what is left stays in the outbox. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#state = 'stopping';
    clearTimeout(this.#timer);
    await this.#draining;
    this.#state = 'stopped';
  }

  async #drain(): Promise<void> {
    const batchSize = this.#o.batchSize ?? 100;
    while (this.#state === 'running') {
      const records = await this.#o.outbox.peek(batchSize);
      if (records.length === 0) return;
      const events = await this.#eventsFor(records);
      if (events.length > 0) {
        await this.#o.queue.enqueue(events);
        this.#o.wakeDispatcher();
      }
      await this.#o.outbox.ack(records.map((r) => r.seq));
      if (records.length < batchSize) return;
    }
  }

  async #eventsFor(records: readonly ObjectEventRecord[]): Promise<AsyncEvent[]> {
    const now = this.#o.clock();
    // One read of a bucket's configuration per batch: a burst of uploads to one bucket is common.
    const configs = new Map<string, Promise<readonly LambdaNotification[] | undefined>>();
    const events: AsyncEvent[] = [];
    for (const record of records) {
      const id = `${record.account}/${record.region}/${record.bucket}`;
      let config = configs.get(id);
      if (!config) {
        config = this.#o.buckets.lambdaNotifications(record, record.bucket);
        configs.set(id, config);
      }
      const notifications = await config;
      if (!notifications || notifications.length === 0) continue; // the bucket is gone, or notifies no function
      const result = deliveries(changeOf(record), notifications, `outbox:${record.seq}`, now);
      events.push(...result.events);
      for (const problem of result.problems) {
        this.#o.onError(new Error(`bucket ${record.bucket}: notification '${problem.notification.id}' skipped: ${(problem.error as Error).message}`));
      }
    }
    return events;
  }
}
