// Usage, invocations and time series from the metering API (/nimbus/v1/usage, /invocations,
// /series); where the platform does not serve it, invocations and series are derived from the
// function's REPORT lines instead, so the dashboard still shows something true.
import { getOptional, logs } from './api.js';
import { invocationsFromLog } from './report-lines.js';

export interface UsageRow { key: string; requests: number; billedMs: number; gbSeconds: number; requestCost: number; computeCost: number; totalCost: number }
export interface UsageReport { since: string; until: string; currency: string; rows: UsageRow[]; total: Omit<UsageRow, 'key'> & { key?: string } }

export interface Invocation {
  requestId: string; function: string; version: string; qualifier?: string; trigger: string;
  start: number | string; durationMs: number; billedMs: number; memoryMb: number; maxMemoryUsedMb: number;
  initDurationMs?: number | undefined; startType: 'cold' | 'warm' | 'provisioned'; outcome: string;
  requestBytes: number; responseBytes: number; cost: number | undefined;
}

export interface SeriesPoint { t: number | string; invocations: number; errors: number; throttles: number; coldStarts: number; p50Ms: number | null; p99Ms: number | null; maxConcurrency: number; cost: number }
export interface Series { step: number; points: SeriesPoint[] }

/** Where the numbers came from, shown next to them. */
export type Source = 'metering' | 'logs';

/** Epoch ms from what an API sends: ISO strings, epoch seconds or epoch ms. */
export function toMs(t: number | string): number {
  if (typeof t === 'string') return /^\d+(\.\d+)?$/.test(t) ? toMs(Number(t)) : Date.parse(t);
  return t < 1e11 ? t * 1000 : t;
}

export const isError = (outcome: string): boolean => !/^(success|ok|succeeded)$/i.test(outcome);

const iso = (t: number): string => new Date(t).toISOString();

export async function usage(since: number, until: number, by: 'function' | 'day' | 'hour', fn?: string): Promise<UsageReport | undefined> {
  return getOptional<UsageReport>(`/nimbus/v1/usage?since=${iso(since)}&until=${iso(until)}&by=${by}${fn ? `&function=${encodeURIComponent(fn)}` : ''}`);
}

async function fromLog(name: string): Promise<Invocation[]> {
  return invocationsFromLog(name, (await logs(name, undefined, 1000)).events);
}

export async function recentInvocations(name: string, limit = 50): Promise<{ source: Source; invocations: Invocation[] }> {
  const metered = await getOptional<{ invocations: Invocation[] }>(`/nimbus/v1/invocations?function=${encodeURIComponent(name)}&limit=${limit}`);
  if (metered) return { source: 'metering', invocations: metered.invocations };
  return { source: 'logs', invocations: (await fromLog(name)).slice(0, limit) };
}

export async function series(name: string, since: number, until: number, step: number): Promise<{ source: Source; series: Series }> {
  const metered = await getOptional<Series>(`/nimbus/v1/series?function=${encodeURIComponent(name)}&since=${iso(since)}&until=${iso(until)}&step=${step}`);
  if (metered) return { source: 'metering', series: metered };
  return { source: 'logs', series: seriesOf(await fromLog(name), since, until, step) };
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}

/** The most invocations running at one moment (a sweep over their start and end times). */
function maxOverlap(list: readonly Invocation[]): number {
  const edges = list.flatMap((i) => [[toMs(i.start), 1], [toMs(i.start) + i.durationMs, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let running = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (running += delta));
  return max;
}

/** Buckets invocations into `step`-second points from `since` to `until`. */
export function seriesOf(invocations: readonly Invocation[], since: number, until: number, step: number): Series {
  const stepMs = step * 1000;
  const first = Math.floor(since / stepMs) * stepMs;
  const buckets = new Map<number, Invocation[]>();
  for (let t = first; t <= until; t += stepMs) buckets.set(t, []);
  for (const inv of invocations) {
    if (toMs(inv.start) < since) continue;
    const t = Math.floor(toMs(inv.start) / stepMs) * stepMs;
    buckets.get(t)?.push(inv);
  }
  const points = [...buckets].map(([t, list]): SeriesPoint => {
    const durations = list.map((i) => i.durationMs).sort((a, b) => a - b);
    return {
      t, invocations: list.length, errors: list.filter((i) => isError(i.outcome)).length, throttles: 0,
      coldStarts: list.filter((i) => i.startType === 'cold').length, p50Ms: quantile(durations, 0.5), p99Ms: quantile(durations, 0.99),
      maxConcurrency: maxOverlap(list), cost: list.reduce((sum, i) => sum + (i.cost ?? 0), 0),
    };
  });
  return { step, points };
}

export interface Health { invocations: number; errors: number; coldStarts: number; p99Ms: number | null; last: number | undefined; source: Source }

/** The last hour of a function at a glance. */
export async function health(name: string): Promise<Health> {
  const until = Date.now();
  const [{ source, series: hour }, latest] = await Promise.all([series(name, until - 3600_000, until, 3600), recentInvocations(name, 1)]);
  const sum = (pick: (p: SeriesPoint) => number): number => hour.points.reduce((total, p) => total + pick(p), 0);
  const p99s = hour.points.map((p) => p.p99Ms).filter((p): p is number => p !== null);
  return {
    invocations: sum((p) => p.invocations), errors: sum((p) => p.errors), coldStarts: sum((p) => p.coldStarts),
    p99Ms: p99s.length === 0 ? null : Math.max(...p99s),
    last: latest.invocations[0] === undefined ? undefined : toMs(latest.invocations[0].start), source,
  };
}
