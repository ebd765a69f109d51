// Stores one usage record per invocation. Records are buffered and written in one
// transaction per flush (every 250 ms, or sooner when 1,000 wait), so the invoke path
// never waits on the disk; reads flush first. Records older than the retention are pruned.
import type { InvocationEvents } from '../invoke/invocation-events.js';
import type { UsageRecord, UsageRepository } from '../store/usage-ports.js';
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
  const maxBuffered = options.maxBuffered ?? 1000;
  let buffer: UsageRecord[] = [];
  let writing: Promise<void> = Promise.resolve();
  let disposed = false;

  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => options.usage.append(batch)).catch(options.onError);
    return writing;
  };
  const unsubscribe = options.invocations.subscribe((record) => {
    buffer.push(usageRecordOf(record));
    if (buffer.length >= maxBuffered) void flush();
  });
  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? 250);
  timer.unref();
  const prune = (): void => {
    if (options.retentionDays > 0) options.usage.deleteOlderThan(options.clock() - options.retentionDays * DAY_MS).catch(options.onError);
  };
  prune();
  const pruneTimer = setInterval(prune, 3_600_000);
  pruneTimer.unref();

  return {
    flush,
    async dispose() {
      if (disposed) return writing;
      disposed = true;
      unsubscribe();
      clearInterval(timer);
      clearInterval(pruneTimer);
      await flush();
    },
  };
}
