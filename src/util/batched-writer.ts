// Buffers items and writes them in one call per flush (on a timer, or sooner when many
// wait), so a hot path that produces them never waits on the disk; a crash can lose at
// most the last flush window. Optionally prunes old data at start and hourly. Used by
// the log writer and the usage recorder.

export interface BatchedWriterOptions<T> {
  readonly write: (batch: readonly T[]) => Promise<void>;
  /** Deletes what is past retention; called at start and hourly. */
  readonly prune?: (() => Promise<unknown>) | undefined;
  readonly onError: (err: unknown) => void;
  readonly flushIntervalMs: number;
  readonly maxBuffered: number;
}

export interface BatchedWriter<T> {
  push(item: T): void;
  /** Writes what is buffered now; resolves once it (and every earlier write) is done. */
  flush(): Promise<void>;
  /** Flushes and stops; idempotent. */
  dispose(): Promise<void>;
}

const PRUNE_INTERVAL_MS = 3_600_000;

export function startBatchedWriter<T>(options: BatchedWriterOptions<T>): BatchedWriter<T> {
  let buffer: T[] = [];
  let writing: Promise<void> = Promise.resolve();
  let disposed = false;

  const flush = (): Promise<void> => {
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => options.write(batch)).catch(options.onError);
    return writing;
  };
  const timer = setInterval(() => void flush(), options.flushIntervalMs);
  timer.unref();
  const prune = (): void => {
    options.prune?.().catch(options.onError);
  };
  prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  return {
    push(item) {
      buffer.push(item);
      if (buffer.length >= options.maxBuffered) void flush();
    },
    flush,
    async dispose() {
      if (disposed) return writing;
      disposed = true;
      clearInterval(timer);
      clearInterval(pruneTimer);
      await flush();
    },
  };
}
