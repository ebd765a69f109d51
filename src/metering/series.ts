// Per-step time series for charts: invocations, errors, throttles, cold starts, duration
// percentiles, peak concurrency and cost, computed from the usage records in the range.
import type { StoredUsageRecord, UsageRange, UsageRepository } from '../store/usage-ports.js';
import { costOf, type PriceTable } from './prices.js';

export interface SeriesPoint {
  /** Epoch ms of the step's start. */
  readonly t: number;
  readonly invocations: number;
  readonly errors: number;
  readonly throttles: number;
  readonly coldStarts: number;
  /** Null in a step without invocations. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxConcurrency: number;
  readonly cost: number;
}

/** Records read for one series at most; a longer range needs a coarser step or a filter. */
export const SERIES_RECORD_LIMIT = 500_000;

export async function usageSeries(usage: UsageRepository, prices: PriceTable, range: UsageRange, stepMs: number): Promise<SeriesPoint[]> {
  const records = await usage.range(range, SERIES_RECORD_LIMIT);
  const steps = Math.ceil((range.until - range.since) / stepMs);
  const stepOf = (t: number): number => Math.min(steps - 1, Math.floor((t - range.since) / stepMs));
  const byStep: StoredUsageRecord[][] = Array.from({ length: steps }, () => []);
  for (const r of records) byStep[stepOf(r.startedAt)]?.push(r);
  const concurrency = peakConcurrency(records.filter((r) => r.outcome !== 'throttled'), steps, stepOf);
  return byStep.map((rs, i) => {
    const ran = rs.filter((r) => r.outcome !== 'throttled');
    const durations = ran.map((r) => r.durationMs).sort((a, b) => a - b);
    return {
      t: range.since + i * stepMs,
      invocations: ran.length,
      errors: ran.filter((r) => r.outcome !== 'success').length,
      throttles: rs.length - ran.length,
      coldStarts: ran.filter((r) => r.startType === 'cold').length,
      p50Ms: percentile(durations, 0.5),
      p99Ms: percentile(durations, 0.99),
      maxConcurrency: concurrency[i] ?? 0,
      cost: ran.reduce((sum, r) => sum + costOf(prices, r.architecture, 1, r.billedMs, r.billedMs * r.memoryMb).totalCost, 0),
    };
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? null;
}

/** The most invocations running at once within each step (a sweep over starts and ends). */
function peakConcurrency(records: readonly StoredUsageRecord[], steps: number, stepOf: (t: number) => number): number[] {
  const edges = records.flatMap((r) => [{ t: r.startedAt, d: 1 }, { t: r.startedAt + r.durationMs, d: -1 }]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d); // an end before a start at the same instant
  const peaks = new Array<number>(steps).fill(0);
  let running = 0;
  let step = 0;
  for (const edge of edges) {
    const at = stepOf(edge.t);
    for (; step < at; step++) peaks[step + 1] = Math.max(peaks[step + 1] ?? 0, running); // carried into later steps
    running += edge.d;
    if (at >= 0) peaks[at] = Math.max(peaks[at] ?? 0, running);
  }
  return peaks;
}
