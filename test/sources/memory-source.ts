// A test-only event source (kind `memory`): an in-memory log with a committed checkpoint
// per mapping, implementing the SourcePlugin contract the way a broker does — read hands
// out records not in flight, ack commits them, release and close hand unacknowledged ones
// back. It is given to BrokerPollers as a dependency in tests; it is never in the
// production registry (src/triggers/sources/registry.ts).
import { invalidParameter } from '../../src/errors.js';
import type { SourcePlugin, SourceReader, SourceRecord } from '../../src/triggers/sources/source-plugin.js';

export interface MemoryConfig {
  readonly log: string;
}

export class MemoryLog {
  readonly records: SourceRecord[] = [];
  /** Ids acknowledged, per mapping. */
  readonly acked = new Map<string, Set<string>>();
  readonly openReaders = new Set<string>();
  #waiters: (() => void)[] = [];
  #next = 1;

  append(...payloads: unknown[]): void {
    for (const payload of payloads) this.records.push({ id: String(this.#next++), payload, timestamp: Date.now() });
    for (const wake of this.#waiters.splice(0)) wake();
  }

  ackedBy(mappingId: string): Set<string> {
    let set = this.acked.get(mappingId);
    if (!set) this.acked.set(mappingId, (set = new Set()));
    return set;
  }

  waitForAppend(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.push(done);
    });
  }
}

export function memorySource(logs: ReadonlyMap<string, MemoryLog>): SourcePlugin<MemoryConfig> {
  return {
    kind: 'memory',
    parseConfig(raw) {
      const log = (raw as { log?: unknown } | null)?.log;
      if (typeof log !== 'string' || !logs.has(log)) throw invalidParameter('source.log', `names no memory log (${String(log)})`);
      return { log };
    },
    open(config, context) {
      const log = logs.get(config.log) as MemoryLog;
      const acked = log.ackedBy(context.mappingId);
      const inFlight = new Set<string>();
      log.openReaders.add(context.mappingId);
      const available = (): SourceRecord[] => log.records.filter((r) => !acked.has(r.id) && !inFlight.has(r.id));
      const reader: SourceReader = {
        async read(max, waitMs, signal) {
          if (available().length === 0 && !signal.aborted) await log.waitForAppend(waitMs, signal);
          if (signal.aborted) return [];
          const batch = available().slice(0, max);
          for (const r of batch) inFlight.add(r.id);
          return batch;
        },
        ack(records) {
          for (const r of records) {
            acked.add(r.id);
            inFlight.delete(r.id);
          }
          return Promise.resolve();
        },
        release(records) {
          for (const r of records) inFlight.delete(r.id);
          return Promise.resolve();
        },
        close() {
          inFlight.clear();
          log.openReaders.delete(context.mappingId);
          return Promise.resolve();
        },
        lag() {
          return Promise.resolve(log.records.filter((r) => !acked.has(r.id)).length);
        },
      };
      return Promise.resolve(reader);
    },
    event(records) {
      return { Records: records.map((r) => r.payload) };
    },
  };
}
