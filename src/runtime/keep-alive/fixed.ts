// The classic scale-to-zero rule (Lambda's ~10 minutes, Azure's 20): every idle instance is
// kept the same time, whatever the function's history.
import type { IdleDecision, KeepAlivePolicy } from './policy.js';

export class FixedKeepAlive implements KeepAlivePolicy {
  readonly #decision: IdleDecision;

  constructor(keepAliveMs: number) {
    this.#decision = { kind: 'keep', keepAliveMs };
  }

  invocationStarted(): void {}
  invocationEnded(): void {}
  forget(): void {}

  decideIdle(): IdleDecision {
    return this.#decision;
  }
}
