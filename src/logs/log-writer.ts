// Stores every invocation's log lines. Lines are buffered and written in one
// transaction per flush (every 200 ms, or sooner when 2,000 lines wait), so the
// invocation path never waits on the disk; a crash can lose at most the last flush
// window of log lines, never an invocation. Old lines are pruned by retention.
import type { LogEvent } from '../store/records.js';
import type { LogRepository } from '../store/ports.js';
import type { InvocationEvents } from '../invoke/invocation-events.js';
import { startBatchedWriter } from '../util/batched-writer.js';
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
  const { logs, clock, retentionDays } = options;
  const writer = startBatchedWriter<LogEvent>({
    write: (batch) => logs.append(batch),
    prune: retentionDays > 0 ? () => logs.deleteOlderThan(clock() - retentionDays * DAY_MS) : undefined,
    onError: options.onError, flushIntervalMs: options.flushIntervalMs ?? 200, maxBuffered: options.maxBuffered ?? 2000,
  });
  const unsubscribe = options.invocations.subscribe((record) => {
    for (const line of record.lines) {
      writer.push({
        account: record.key.account, region: record.key.region, logGroup: record.logGroup, logStream: record.logStream,
        timestamp: Math.floor(line.timestamp), requestId: record.requestId, message: line.text,
      });
    }
  });
  return {
    flush: () => writer.flush(),
    dispose() {
      unsubscribe();
      return writer.dispose();
    },
  };
}
