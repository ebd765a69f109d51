// Runs several policies over one trace and says how the adaptive one fares against the
// fixed baseline measured in the same run; shared by `nimbus replay` and the benchmark.
import type { KeepAlivePolicyName } from '../keep-alive/policy.js';
import type { AzureTrace } from './azure-trace.js';
import { replayTrace, type ReplayOptions, type ReplayReport } from './replay.js';

export interface Comparison {
  /** Relative change of adaptive against fixed, in percent (negative = fewer). */
  readonly coldStartChangePercent: number;
  readonly idleChangePercent: number;
  /** Fewer cold starts and less idle memory-time, both at once. */
  readonly betterOnBoth: boolean;
}

export async function replayPolicies(trace: AzureTrace, policies: readonly KeepAlivePolicyName[], options: Omit<ReplayOptions, 'policy'>): Promise<ReplayReport[]> {
  const reports: ReplayReport[] = [];
  for (const policy of policies) reports.push(await replayTrace(trace, { ...options, policy }));
  return reports;
}

export function compare(reports: readonly ReplayReport[]): Comparison | undefined {
  const fixed = reports.find((r) => r.policy === 'fixed');
  const adaptive = reports.find((r) => r.policy === 'adaptive');
  if (!fixed || !adaptive) return undefined;
  const change = (a: number, b: number): number => (b === 0 ? 0 : ((a - b) / b) * 100);
  return {
    coldStartChangePercent: change(adaptive.coldStarts, fixed.coldStarts),
    idleChangePercent: change(adaptive.idleGbSeconds, fixed.idleGbSeconds),
    betterOnBoth: adaptive.coldStarts < fixed.coldStarts && adaptive.idleGbSeconds < fixed.idleGbSeconds,
  };
}
