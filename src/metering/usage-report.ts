// Cost per function, UTC day or hour over a time range, from the stored totals and the
// price table. With the free tier on, the report's total is net of what is left of each
// calendar month's allowance (usage earlier in the month uses it up first); rows stay gross.
import type { UsageGrouping, UsageRange, UsageRepository, UsageTotals } from '../store/usage-ports.js';
import { addCosts, costOf, FREE_TIER, NO_COST, type Cost, type PriceTable } from './prices.js';

export interface UsageReportRow extends Cost {
  /** The function name, or the ISO start of the day/hour. */
  readonly key: string;
}

export interface UsageReport {
  readonly rows: readonly UsageReportRow[];
  readonly total: Cost & { readonly freeTier?: { readonly requests: number; readonly gbSeconds: number } };
}

function sumTotals(prices: PriceTable, totals: readonly UsageTotals[]): Cost {
  return totals.reduce((sum, t) => addCosts(sum, costOf(prices, t.architecture, t.requests, t.billedMs, t.mbMs)), NO_COST);
}

export async function usageReport(usage: UsageRepository, prices: PriceTable, range: UsageRange, by: UsageGrouping): Promise<UsageReport> {
  const totals = await usage.totals(range, by);
  const groups = new Map<string, UsageTotals[]>();
  for (const t of totals) groups.set(t.key, [...(groups.get(t.key) ?? []), t]);
  const rows = [...groups].map(([key, parts]) => ({ key: by === 'function' ? key : new Date(Number(key)).toISOString(), ...sumTotals(prices, parts) }));
  const total = sumTotals(prices, totals);
  if (!prices.freeTier) return { rows, total };
  const free = await freeTierUsed(usage, prices, range);
  const requestCost = Math.max(0, total.requestCost - free.requestCredit);
  const computeCost = Math.max(0, total.computeCost - free.computeCredit);
  return { rows, total: { ...total, requestCost, computeCost, totalCost: requestCost + computeCost, freeTier: { requests: free.requests, gbSeconds: free.gbSeconds } } };
}

/** How much of each month's free allowance the range used, and what that is worth. */
async function freeTierUsed(usage: UsageRepository, prices: PriceTable, range: UsageRange): Promise<{ requests: number; gbSeconds: number; requestCredit: number; computeCredit: number }> {
  const used = { requests: 0, gbSeconds: 0, requestCredit: 0, computeCredit: 0 };
  // The allowance is the account's, whatever function the report is filtered to.
  const scope = { account: range.account, region: range.region };
  for (let monthStart = startOfMonth(range.since); monthStart < range.until; monthStart = nextMonth(monthStart)) {
    const from = Math.max(range.since, monthStart);
    const before = sumTotals(prices, await usage.totals({ ...scope, since: monthStart, until: from }, 'function'));
    const within = sumTotals(prices, await usage.totals({ ...range, since: from, until: Math.min(range.until, nextMonth(monthStart)) }, 'function'));
    const requests = clamp(FREE_TIER.requests - before.requests, within.requests);
    const gbSeconds = clamp(FREE_TIER.gbSeconds - before.gbSeconds, within.gbSeconds);
    used.requests += requests;
    used.gbSeconds += gbSeconds;
    used.requestCredit += (requests * prices.requestsPerMillion) / 1_000_000;
    // Priced at the month's own mix of architectures.
    used.computeCredit += within.gbSeconds === 0 ? 0 : (gbSeconds * within.computeCost) / within.gbSeconds;
  }
  return used;
}

const clamp = (left: number, wanted: number): number => Math.max(0, Math.min(left, wanted));

function startOfMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function nextMonth(monthStart: number): number {
  const d = new Date(monthStart);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
