// Long polling without polling: a receiver that found nothing waits here until a message
// may have become available in its queue (a send, a visibility change, a redrive into it),
// until the next delayed or in-flight message turns visible, or until its wait ends.
// Each queue has a version bumped by every notify; a waiter passes the version it saw
// before looking, so a notify between its look and its wait is never missed.

export class ArrivalSignals {
  readonly #versions = new Map<number, number>();
  readonly #waiters = new Map<number, Set<() => void>>();
  #closed = false;

  /** True once close() was called: waits end at once (the platform is stopping). */
  get closed(): boolean {
    return this.#closed;
  }

  version(queueId: number): number {
    return this.#versions.get(queueId) ?? 0;
  }

  notify(queueId: number): void {
    this.#versions.set(queueId, this.version(queueId) + 1);
    const waiters = this.#waiters.get(queueId);
    if (!waiters) return;
    this.#waiters.delete(queueId);
    for (const wake of waiters) wake();
  }

  /** Resolves after `ms`, on a notify of the queue, or at once if the version moved past `seen`. */
  wait(queueId: number, seen: number, ms: number): Promise<void> {
    if (this.#closed || this.version(queueId) !== seen || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(queueId);
      if (!waiters) this.#waiters.set(queueId, (waiters = new Set()));
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiters.get(queueId)?.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiters.add(wake);
    });
  }

  /** Ends every wait now and every later one at once; idempotent. */
  close(): void {
    this.#closed = true;
    for (const queueId of [...this.#waiters.keys()]) this.notify(queueId);
  }
}
