// What the scheduler asks when an instance falls idle: keep it (for how long), or unload it
// now and start a fresh one shortly before the function's next call is expected. Policies
// learn from the calls they are told about; the scheduler applies what they answer.
// `functionId` is the scheduler's `account/region/name`: one history per function, shared
// by its versions, since the callers are the same.

/** What becomes of an instance that just finished a call and has nothing to do. */
export type IdleDecision =
  /** Keep it idle this long (scale to zero after). */
  | { readonly kind: 'keep'; readonly keepAliveMs: number }
  /**
   * Unload it now; `prewarmInMs` from now start one instance for the function if it has
   * none, and keep that one idle `keepAliveMs` at most.
   */
  | { readonly kind: 'prewarm'; readonly prewarmInMs: number; readonly keepAliveMs: number };

export interface KeepAlivePolicy {
  /** A call of the function was admitted at `now` (clock milliseconds). */
  invocationStarted(functionId: string, now: number): void;
  /** That call finished at `now` (its instance is released right after). */
  invocationEnded(functionId: string, now: number): void;
  /** Asked for each instance that falls idle after a call, right after invocationEnded. */
  decideIdle(functionId: string, now: number): IdleDecision;
  /** The function is gone: drop what was learned about it. */
  forget(functionId: string): void;
}

/** The platform-wide default (`keepAlivePolicy`) and the per-function tag's values. */
export const KEEP_ALIVE_POLICIES = ['fixed', 'adaptive'] as const;
export type KeepAlivePolicyName = (typeof KEEP_ALIVE_POLICIES)[number];
