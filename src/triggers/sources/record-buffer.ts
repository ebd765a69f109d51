// The hand-over between a push-based client (a broker that delivers messages on its own
// schedule: RabbitMQ consumers, MQTT subscriptions) and the pull-based SourceReader.read:
// delivered messages wait here in arrival order until a read takes up to `max` of them,
// waiting for the first one at most `waitMs`. A failure of the connection ends pending and
// later reads with that error, so the runtime sees it and reopens the reader.
export class RecordBuffer<T> {
  private items: T[] = [];
  private readonly waiters = new Set<() => void>();
  private failure: Error | undefined;
  private ended = false;

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    if (this.ended) return;
    this.items.push(item);
    this.notify();
  }

  /** Drops what was delivered and not taken (the source will deliver it again), but for what `keep` says. */
  clear(keep: (item: T) => boolean = () => false): void {
    this.items = this.items.filter(keep);
  }

  /** Puts items taken earlier back in front, for the next take. */
  putBack(items: readonly T[]): void {
    if (this.ended || items.length === 0) return;
    this.items.unshift(...items);
    this.notify();
  }

  /** Later and pending takes reject with `err` (the first failure wins). */
  fail(err: Error): void {
    this.failure ??= err;
    this.notify();
  }

  /** Pending and later takes return []. */
  end(): void {
    this.ended = true;
    this.items = [];
    this.notify();
  }

  /** Up to `max` items, waiting at most `waitMs` for the first; [] on timeout, abort or end. */
  async take(max: number, waitMs: number, signal: AbortSignal): Promise<T[]> {
    const deadline = Date.now() + waitMs;
    while (this.items.length === 0) {
      if (this.failure) throw this.failure;
      if (this.ended || signal.aborted) return [];
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.waitForChange(left, signal);
    }
    return this.items.splice(0, Math.max(1, max));
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private waitForChange(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      this.waiters.add(done);
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
