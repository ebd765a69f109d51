// Stores one usage record per invocation. Records are buffered and written in one
// transaction per flush (every 250 ms, or sooner when 1,000 wait), so the invoke path
// never waits on the disk; reads flush first. Records older than the retention are pruned.
import type { InvocationEvents } from '../invoke/invocation-events.js';
import type { UsageRecord, UsageRepository } from '../store/usage-ports.js';
import { startBatchedWriter } from '../util/batched-writer.js';
import type { Clock } from '../util/time.js';
import { usageRecordOf } from './usage-record.js';

export interface UsageRecorderOptions {
  readonly usage: UsageRepository;
  readonly invocations: InvocationEvents;
  readonly clock: Clock;
  /** 0 keeps records forever. */
  readonly retentionDays: number;
  readonly onError: (err: unknown) => void;
  readonly flushIntervalMs?: number;
  readonly maxBuffered?: number;
}

export interface UsageRecorder {
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  /** Flushes and stops; idempotent. */
  dispose(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function startUsageRecorder(options: UsageRecorderOptions): UsageRecorder {
  const { usage, clock, retentionDays } = options;
  const writer = startBatchedWriter<UsageRecord>({
    write: (batch) => usage.append(batch),
    prune: retentionDays > 0 ? () => usage.deleteOlderThan(clock() - retentionDays * DAY_MS) : undefined,
    onError: options.onError, flushIntervalMs: options.flushIntervalMs ?? 250, maxBuffered: options.maxBuffered ?? 1000,
  });
  const unsubscribe = options.invocations.subscribe((record) => writer.push(usageRecordOf(record)));
  return {
    flush: () => writer.flush(),
    dispose() {
      unsubscribe();
      return writer.dispose();
    },
  };
}
