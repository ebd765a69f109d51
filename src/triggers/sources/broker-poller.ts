// The poller of one enabled broker mapping: opens the plugin's reader, collects a batch
// (up to BatchSize records, waiting up to MaximumBatchingWindowInSeconds for more once the
// first arrived), delivers it (batch-delivery.ts) and only then reads the next. One batch
// in flight per mapping keeps every record in source order (so every orderKey's order
// holds) at the cost of parallelism — the simplest correct choice; a source that needs
// more throughput takes a bigger batch. A reader that fails (connection lost, ack refused)
// is closed and opened again after a pause; what it had not acknowledged comes again.
//
// States: running until stop(); stop() aborts the wait for records, lets the batch being
// delivered finish its current invocation, releases what is unsettled, closes the reader.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerMappingRecord } from '../../store/broker-mapping-ports.js';
import type { Clock } from '../../util/time.js';
import { deliverBatch, RESULT, type BatchDeliveryDeps, type DeliveryOutcome } from './batch-delivery.js';
import type { SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';

export interface PauseTimes {
  /** After a throttled invoke. */
  readonly throttled: number;
  /** After ResourceNotFound (the function is gone or not yet there). */
  readonly missing: number;
  /** After a platform error, or before reopening a failed reader. */
  readonly failed: number;
}

export interface BrokerPollerDeps {
  readonly delivery: Omit<BatchDeliveryDeps, 'report'>;
  readonly clock: Clock;
  readonly pauses: PauseTimes;
  /** How long one read waits for a first record before reading again (stop() ends it at once). */
  readonly idleMs: number;
  readonly report: (uuid: string, result: string, error: string | undefined) => void;
  readonly onError: (err: unknown) => void;
}

const describe = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class BrokerPoller {
  readonly #deps: BrokerPollerDeps;
  readonly #plugin: SourcePlugin;
  readonly #config: unknown;
  readonly #abort = new AbortController();
  #reader: SourceReader | undefined;
  #done: Promise<void> | undefined;
  readonly mapping: BrokerMappingRecord;

  constructor(deps: BrokerPollerDeps, mapping: BrokerMappingRecord, plugin: SourcePlugin, config: unknown) {
    this.#deps = deps;
    this.mapping = mapping;
    this.#plugin = plugin;
    this.#config = config;
  }

  start(): void {
    this.#done ??= this.#run().catch(this.#deps.onError);
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#done;
  }

  /** Records waiting in the source, when the reader is open and the source can tell. */
  async lag(): Promise<number | undefined> {
    const reader = this.#reader;
    if (reader?.lag === undefined) return undefined;
    try {
      return await reader.lag();
    } catch {
      return undefined;
    }
  }

  #report(result: string, error: string | undefined): void {
    this.#deps.report(this.mapping.uuid, result, error);
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#abort.signal }).catch(() => undefined);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      let reader: SourceReader;
      try {
        reader = await this.#plugin.open(this.#config, {
          mappingId: this.mapping.uuid,
          onError: (err) => {
            this.#report(RESULT.source, describe(err));
            this.#deps.onError(err);
          },
        });
      } catch (err) {
        this.#report(RESULT.source, `could not open the ${this.mapping.kind} source: ${describe(err)}`);
        await this.#pause(this.#deps.pauses.failed);
        continue;
      }
      this.#reader = reader;
      try {
        await this.#poll(reader);
      } catch (err) {
        if (!signal.aborted) this.#report(RESULT.source, describe(err));
      } finally {
        this.#reader = undefined;
        await reader.close().catch(this.#deps.onError);
      }
      if (!signal.aborted) await this.#pause(this.#deps.pauses.failed);
    }
  }

  async #poll(reader: SourceReader): Promise<void> {
    const signal = this.#abort.signal;
    const delivery: BatchDeliveryDeps = { ...this.#deps.delivery, report: (result, error) => this.#report(result, error) };
    const target = { mapping: this.mapping, plugin: this.#plugin, config: this.#config, reader, signal };
    while (!signal.aborted) {
      const batch = await this.#collect(reader);
      if (batch.length === 0) continue;
      if (signal.aborted) {
        await reader.release(batch);
        return;
      }
      const outcome: DeliveryOutcome = await deliverBatch(delivery, target, batch);
      if (outcome === 'throttled') await this.#pause(this.#deps.pauses.throttled);
      else if (outcome === 'not-found') await this.#pause(this.#deps.pauses.missing);
      else if (outcome === 'platform-error') await this.#pause(this.#deps.pauses.failed);
    }
  }

  /** Up to BatchSize records; with a batching window, reads on until the batch is full or the window has passed. */
  async #collect(reader: SourceReader): Promise<SourceRecord[]> {
    const signal = this.#abort.signal;
    const max = this.mapping.batchSize;
    const batch = [...await reader.read(max, this.#deps.idleMs, signal)];
    if (batch.length === 0 || batch.length >= max || this.mapping.maximumBatchingWindowSeconds === 0) return batch;
    const deadline = this.#deps.clock() + this.mapping.maximumBatchingWindowSeconds * 1000;
    while (batch.length < max && !signal.aborted) {
      const left = deadline - this.#deps.clock();
      if (left <= 0) break;
      batch.push(...await reader.read(max - batch.length, left, signal));
    }
    return batch;
  }
}
