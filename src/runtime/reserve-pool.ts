// The reserve pool: generic guest runtimes started ahead of need and bound to no
// function, like Lambda's reserve of warm servers. A cold start claims one (about 5 ms to
// load code, sandbox-notes §4) instead of spawning (about 120 ms). The pool refills in the
// background, one start at a time, so refilling never competes with traffic for cores.
import type { Sandbox, SandboxDriver } from './sandbox/types.js';

/** Pooled sandboxes have the default /tmp size; functions asking for more get a fresh one. */
export const POOLED_TMP_MB = 512;
const REFILL_DELAY_MS = 100;

export type ReservePoolState = 'filling' | 'full' | 'disposed';

export class ReservePool {
  readonly #driver: SandboxDriver;
  readonly #size: number;
  readonly #onError: (err: unknown) => void;
  readonly #idle: Sandbox[] = [];
  #refilling = false;
  #disposed = false;
  #consecutiveFailures = 0;

  constructor(driver: SandboxDriver, size: number, onError: (err: unknown) => void) {
    this.#driver = driver;
    this.#size = size;
    this.#onError = onError;
    this.#refill();
  }

  get state(): ReservePoolState {
    if (this.#disposed) return 'disposed';
    return this.#idle.length >= this.#size ? 'full' : 'filling';
  }

  get size(): number {
    return this.#size;
  }

  get available(): number {
    return this.#idle.length;
  }

  /** A started generic sandbox for a function with this /tmp size, or undefined. */
  claim(tmpMb: number): Sandbox | undefined {
    if (tmpMb !== POOLED_TMP_MB) return undefined;
    let sandbox: Sandbox | undefined;
    while ((sandbox = this.#idle.shift()) !== undefined && sandbox.state !== 'idle');
    // Refill a moment later: spawning a runtime costs ~100 ms of CPU, which would compete
    // with the INIT of the cold start that just claimed this one.
    setTimeout(() => this.#refill(), REFILL_DELAY_MS).unref();
    return sandbox;
  }

  /** Kills every pooled sandbox; idempotent. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.all(this.#idle.splice(0).map((s) => s.dispose()));
  }

  #refill(): void {
    if (this.#refilling || this.#disposed || this.#idle.length >= this.#size) return;
    this.#refilling = true;
    void (async () => {
      try {
        while (!this.#disposed && this.#idle.length < this.#size) {
          let sandbox: Sandbox;
          try {
            sandbox = await this.#driver.start({ tmpMb: POOLED_TMP_MB });
            this.#consecutiveFailures = 0;
          } catch (err) {
            this.#onError(err);
            // Back off when starts keep failing (a broken machine should not spin).
            this.#consecutiveFailures++;
            await new Promise((r) => setTimeout(r, Math.min(30_000, 100 * 2 ** this.#consecutiveFailures)));
            continue;
          }
          if (this.#disposed) {
            await sandbox.dispose();
            return;
          }
          this.#idle.push(sandbox);
          // A pooled runtime that dies (e.g. killed from outside) leaves the pool.
          void sandbox.exited.then(() => {
            const index = this.#idle.indexOf(sandbox);
            if (index >= 0) {
              this.#idle.splice(index, 1);
              this.#refill();
            }
          });
        }
      } finally {
        this.#refilling = false;
      }
    })();
  }
}
