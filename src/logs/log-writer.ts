// Stores every invocation's log lines. Lines are buffered and written in one
// transaction per flush (every 200 ms, or sooner when 2,000 lines wait), so the
// invocation path never waits on the disk; a crash can lose at most the last flush
// window of log lines, never an invocation. Old lines are pruned by retention.
import type { LogEvent } from '../store/records.js';
import type { LogRepository } from '../store/ports.js';
import type { InvocationEvents } from '../invoke/invocation-events.js';
import type { Clock } from '../util/time.js';

export interface LogWriterOptions {
  readonly logs: LogRepository;
  readonly invocations: InvocationEvents;
  readonly clock: Clock;
  readonly retentionDays: number;
  readonly onError: (err: unknown) => void;
  readonly flushIntervalMs?: number;
  readonly maxBuffered?: number;
}

export interface LogWriter {
  /** Writes what is buffered now. */
  flush(): Promise<void>;
  /** Flushes and stops; idempotent. */
  dispose(): Promise<void>;
}

const DAY_MS = 86_400_000;

export function startLogWriter(options: LogWriterOptions): LogWriter {
  const flushInterval = options.flushIntervalMs ?? 200;
  const maxBuffered = options.maxBuffered ?? 2000;
  let buffer: LogEvent[] = [];
  let writing: Promise<void> = Promise.resolve();
  let disposed = false;

  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => options.logs.append(batch)).catch(options.onError);
    return writing;
  };

  const unsubscribe = options.invocations.subscribe((record) => {
    for (const line of record.lines) {
      buffer.push({
        account: record.key.account, region: record.key.region, logGroup: record.logGroup, logStream: record.logStream,
        timestamp: Math.floor(line.timestamp), requestId: record.requestId, message: line.text,
      });
    }
    if (buffer.length >= maxBuffered) void flush();
  });
  const timer = setInterval(() => void flush(), flushInterval);
  timer.unref();
  const prune = (): void => {
    if (options.retentionDays > 0) {
      options.logs.deleteOlderThan(options.clock() - options.retentionDays * DAY_MS).catch(options.onError);
    }
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
