/** Lambda's FunctionConfiguration.LastModified form: `2024-05-01T12:00:00.000+0000`. */
export function lambdaTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

export type Clock = () => number;
export const systemClock: Clock = () => Date.now();

/** What `setTimeout`/`setInterval` hand back, opaque to their users. */
export type TimerHandle = object;

/**
 * Timers and a monotonic clock, replaceable so that a simulation (`nimbus replay`) or a
 * test moves time instead of waiting for it. Real timers never keep the process alive.
 */
export interface Timers {
  /** Monotonic milliseconds, for measuring how long something took. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  setInterval(callback: () => void, periodMs: number): TimerHandle;
  /** Cancels a timeout or an interval; undefined and spent handles are ignored. */
  clear(handle: TimerHandle | undefined): void;
}

export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref(),
  setInterval: (callback, periodMs) => setInterval(callback, periodMs).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};
