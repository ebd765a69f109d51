// Lambda's retry rules for asynchronous invocation, as data (lambda-reference §7.1):
// function errors (including timeouts and crashes) are retried up to
// MaximumRetryAttempts times with fixed delays; throttles and platform errors are retried
// with exponential backoff (1 s doubling to 5 min) until MaximumEventAgeInSeconds.

export interface RetryPolicy {
  /** Delay before attempt n+2 after n+1 function errors (Lambda: ~60 s, ~120 s). */
  readonly functionErrorDelaysMs: readonly number[];
  readonly throttleBackoffInitialMs: number;
  readonly throttleBackoffMaxMs: number;
  readonly defaultMaximumRetryAttempts: number;
  readonly defaultMaximumEventAgeSeconds: number;
}

export const LAMBDA_RETRY_POLICY: RetryPolicy = {
  functionErrorDelaysMs: [60_000, 120_000],
  throttleBackoffInitialMs: 1_000,
  throttleBackoffMaxMs: 300_000,
  defaultMaximumRetryAttempts: 2,
  defaultMaximumEventAgeSeconds: 21_600,
};

export function retryPolicyWithDelays(delaysSeconds: string): RetryPolicy {
  return { ...LAMBDA_RETRY_POLICY, functionErrorDelaysMs: delaysSeconds.split(',').map((s) => Math.round(Number(s) * 1000)) };
}

export function functionErrorDelay(policy: RetryPolicy, failedAttempts: number): number {
  const delays = policy.functionErrorDelaysMs;
  return delays[Math.min(failedAttempts - 1, delays.length - 1)] ?? 0;
}

/** Backoff after `tries` deliveries that were throttled or failed in the platform. */
export function throttleDelay(policy: RetryPolicy, tries: number): number {
  const exponential = policy.throttleBackoffInitialMs * 2 ** Math.max(0, tries - 1);
  const capped = Math.min(policy.throttleBackoffMaxMs, exponential);
  // Jitter spreads retries of many throttled events over the window.
  return Math.round(capped * (0.5 + Math.random() * 0.5));
}
