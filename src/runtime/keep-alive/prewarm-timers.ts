// At most one pending pre-warm per instance pool: a newer decision replaces the older one,
// since it was made with the latest call's end as its origin.
import type { TimerHandle, Timers } from '../../util/time.js';

export class PrewarmTimers {
  readonly #timers: Timers;
  readonly #pending = new Map<string, TimerHandle>();

  constructor(timers: Timers) {
    this.#timers = timers;
  }

  /** Calls `fire` in `delayMs` unless cancelled or replaced first; `has` is false while it runs. */
  schedule(key: string, delayMs: number, fire: () => void): void {
    this.cancel(key);
    this.#pending.set(key, this.#timers.setTimeout(() => {
      this.#pending.delete(key);
      fire();
    }, delayMs));
  }

  cancel(key: string): void {
    this.#timers.clear(this.#pending.get(key));
    this.#pending.delete(key);
  }

  has(key: string): boolean {
    return this.#pending.has(key);
  }

  dispose(): void {
    for (const handle of this.#pending.values()) this.#timers.clear(handle);
    this.#pending.clear();
  }
}
