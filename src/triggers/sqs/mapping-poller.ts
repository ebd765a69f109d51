// The poller of one enabled mapping. It runs workers, each of which collects a batch,
// invokes the function with it and settles it, one invocation at a time, so the number of
// workers is the mapping's concurrency. One worker (the first) always polls; another
// starts whenever a worker got a full batch and the cap allows (the queue has a backlog),
// and the extra ones stop once they find the queue empty or are throttled. The cap is
// ScalingConfig.MaximumConcurrency and the function's reserved concurrency (else the
// account's), read before every batch, so it is never exceeded and changes apply at once.
//
// States: running until stop(); stop() ends polling at once (waits end, no new batch is
// taken) and resolves when the batches being run have finished. Idempotent.
import { setTimeout as sleep } from 'node:timers/promises';
import { NimbusError } from '../../errors.js';
import { QueueError } from '../../queues/errors.js';
import { parseQueueArn } from '../../queues/names.js';
import type { EventSourceMappingRecord } from '../../store/esm-ports.js';
import type { QueueKey, QueueRecord } from '../../store/queue-ports.js';
import type { FunctionKey } from '../../store/records.js';
import type { Clock } from '../../util/time.js';
import { collectBatch, type CollectorDeps } from './batch-collector.js';
import type { BatchOutcome, BatchRunner } from './batch-runner.js';

export interface MappingPollerDeps {
  readonly collector: CollectorDeps;
  readonly runner: BatchRunner;
  /** The function's reserved concurrency (undefined: none), or Lambda's not-found (FunctionResolver, cached). */
  readonly reservedConcurrency: (key: FunctionKey, qualifier: string | undefined) => Promise<number | undefined>;
  /** QueueService.findByArn. */
  readonly findQueue: (arn: string) => Promise<QueueRecord | undefined>;
  readonly accountConcurrency: number;
  readonly clock: Clock;
  /** LastProcessingResult changed. */
  readonly report: (uuid: string, result: string) => void;
  readonly onError: (err: unknown) => void;
}

/** Lambda's upper bound for an SQS mapping without ScalingConfig (it scales to 1,250; the account limit binds first). */
const DEFAULT_MAXIMUM_CONCURRENCY = 1000;
/** How long the first worker waits on an empty queue before looking at the mapping again, and extra workers before stopping. */
const IDLE_MS = { first: 20_000, extra: 1_000 };
const PAUSE_MS = { throttled: 500, missing: 5_000, failed: 1_000 };

const LAST_RESULT: Readonly<Record<BatchOutcome | 'queue-missing', string>> = {
  ok: 'OK',
  'function-error': 'PROBLEM: Function call failed',
  'platform-error': 'PROBLEM: Function call failed',
  'not-found': 'PROBLEM: Function not found',
  throttled: 'PROBLEM: Function throttled',
  'queue-missing': 'PROBLEM: Queue not found',
};

export class MappingPoller {
  readonly #deps: MappingPollerDeps;
  #mapping: EventSourceMappingRecord;
  readonly #queue: QueueKey;
  readonly #stop = new AbortController();
  readonly #workers = new Set<Promise<void>>();
  #lastResult: string;

  constructor(deps: MappingPollerDeps, mapping: EventSourceMappingRecord) {
    this.#deps = deps;
    this.#mapping = mapping;
    this.#lastResult = mapping.lastProcessingResult;
    const queue = parseQueueArn(mapping.eventSourceArn);
    if (!queue) throw new Error(`mapping ${mapping.uuid}: '${mapping.eventSourceArn}' is not a queue ARN`);
    this.#queue = queue;
  }

  /** Workers running now (the mapping's concurrency, at most one invocation each). */
  get workers(): number {
    return this.#workers.size;
  }

  start(): void {
    if (this.#workers.size === 0 && !this.#stop.signal.aborted) this.#spawn(true);
  }

  /** New settings (batch size, window, function, cap) apply from the next batch on. */
  configure(mapping: EventSourceMappingRecord): void {
    this.#mapping = mapping;
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    while (this.#workers.size > 0) await Promise.allSettled([...this.#workers]);
  }

  #spawn(first: boolean): void {
    const worker = this.#work(first)
      .catch(this.#deps.onError)
      .finally(() => this.#workers.delete(worker));
    this.#workers.add(worker);
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#stop.signal }).catch(() => undefined);
  }

  #report(result: string): void {
    if (result === this.#lastResult) return;
    this.#lastResult = result;
    this.#deps.report(this.#mapping.uuid, result);
  }

  /** The mapping's concurrency cap now; undefined when its function does not exist. */
  async #cap(m: EventSourceMappingRecord): Promise<number | undefined> {
    try {
      const reserved = await this.#deps.reservedConcurrency({ account: m.account, region: m.region, name: m.functionName }, m.qualifier);
      return Math.min(m.maximumConcurrency ?? DEFAULT_MAXIMUM_CONCURRENCY, reserved ?? this.#deps.accountConcurrency);
    } catch (err) {
      if (err instanceof NimbusError && err.code === 'ResourceNotFoundException') return undefined;
      throw err;
    }
  }

  async #work(first: boolean): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      try {
        if (!(await this.#once(first))) return;
      } catch (err) {
        this.#deps.onError(err);
        if (!first) return;
        await this.#pause(PAUSE_MS.failed);
      }
    }
  }

  /** One batch; false when this (extra) worker should stop. */
  async #once(first: boolean): Promise<boolean> {
    const m = this.#mapping;
    const cap = await this.#cap(m);
    if (cap === undefined) {
      this.#report(LAST_RESULT['not-found']); // no receive: the messages keep their receive counts until the function exists
      if (!first) return false;
      await this.#pause(PAUSE_MS.missing);
      return true;
    }
    if (!first && this.#workers.size > cap) return false;
    if (cap === 0) {
      await this.#pause(PAUSE_MS.missing); // reserved concurrency 0: messages stay in the queue
      return true;
    }
    const queue = await this.#deps.findQueue(m.eventSourceArn);
    if (!queue) {
      this.#report(LAST_RESULT['queue-missing']);
      if (!first) return false;
      await this.#pause(PAUSE_MS.missing);
      return true;
    }
    const batch = await collectBatch(this.#deps.collector, {
      queue: this.#queue, batchSize: m.batchSize, windowSeconds: m.maximumBatchingWindowSeconds,
      idleUntil: this.#deps.clock() + (first ? IDLE_MS.first : IDLE_MS.extra), stop: this.#stop.signal,
    }).catch((err: unknown) => {
      if (err instanceof QueueError && err.code === 'QueueDoesNotExist') return []; // deleted meanwhile: found missing next round
      throw err;
    });
    if (batch.length === 0) return first;
    if (batch.length >= m.batchSize && this.#workers.size < cap && !this.#stop.signal.aborted) this.#spawn(false);
    // A batch taken is run to the end, also when the mapping is being stopped ("in-flight batches finish").
    const outcome = await this.#deps.runner.run({
      function: { account: m.account, region: m.region, name: m.functionName }, qualifier: m.qualifier, queue: this.#queue,
      queueArn: m.eventSourceArn, fifo: queue.fifo, reportBatchItemFailures: m.reportBatchItemFailures,
    }, batch);
    this.#report(LAST_RESULT[outcome]);
    if (outcome === 'throttled') {
      if (!first) return false;
      await this.#pause(PAUSE_MS.throttled);
    } else if (outcome === 'not-found') {
      await this.#pause(PAUSE_MS.missing);
    }
    return true;
  }
}
