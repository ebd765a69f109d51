// The metering admin API under /nimbus/v1 (docs/metering.md), what the dashboard reads:
//   GET usage        cost per function, day or hour (JSON or CSV)
//   GET invocations  usage records, newest first, with a cursor
//   GET series       per-step counts, percentiles, concurrency and cost for charts
// Buffered records are flushed first, so an answer includes every finished invocation.
import { NimbusError } from '../../errors.js';
import { costOf, type Cost, type PriceTable } from '../../metering/prices.js';
import { usageSeries } from '../../metering/series.js';
import { usageReport } from '../../metering/usage-report.js';
import type { StoredUsageRecord, UsageRepository } from '../../store/usage-ports.js';
import type { Clock } from '../../util/time.js';
import type { Route } from '../http/types.js';
import { parseChoice, parseFunction, parseInteger, parseWindow } from './query.js';

export interface UsageRouteDeps {
  readonly usage: UsageRepository;
  readonly prices: PriceTable;
  readonly clock: Clock;
  /** Writes buffered usage records. */
  readonly flush: () => Promise<void>;
}

const COST_FIELDS = ['requests', 'billedMs', 'gbSeconds', 'requestCost', 'computeCost', 'totalCost'] as const;
const MAX_POINTS = 10_000;

function costFields(c: Cost): Cost {
  return Object.fromEntries(COST_FIELDS.map((f) => [f, c[f]])) as unknown as Cost;
}

function invocationView(r: StoredUsageRecord, prices: PriceTable): Record<string, unknown> {
  return {
    requestId: r.requestId, function: r.function, version: r.version, qualifier: r.qualifier, trigger: r.trigger,
    start: new Date(r.startedAt).toISOString(), durationMs: r.durationMs, billedMs: r.billedMs, memoryMb: r.memoryMb,
    maxMemoryUsedMb: r.maxMemoryUsedMb, initDurationMs: r.initDurationMs, startType: r.startType, outcome: r.outcome,
    requestBytes: r.requestBytes, responseBytes: r.responseBytes, architecture: r.architecture,
    cost: r.outcome === 'throttled' ? 0 : costOf(prices, r.architecture, 1, r.billedMs, r.billedMs * r.memoryMb).totalCost,
  };
}

export function usageRoutes(deps: UsageRouteDeps): Route[] {
  return [
    {
      method: 'GET', path: '/nimbus/v1/usage', maxBodyBytes: 0,
      async handle(req) {
        const window = parseWindow(req.query, deps.clock());
        const by = parseChoice(req.query, 'by', ['function', 'day', 'hour'] as const, 'function');
        const format = parseChoice(req.query, 'format', ['json', 'csv'] as const, 'json');
        await deps.flush();
        const report = await usageReport(deps.usage, deps.prices, { ...req.scope, ...window, function: parseFunction(req.query) }, by);
        if (format === 'csv') {
          // Keys are function names or ISO times: nothing in them needs CSV quoting.
          const lines = [['key', ...COST_FIELDS].join(','), ...report.rows.map((r) => [r.key, ...COST_FIELDS.map((f) => String(r[f]))].join(','))];
          return { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: lines.join('\n') + '\n' };
        }
        return {
          status: 200,
          body: {
            since: new Date(window.since).toISOString(), until: new Date(window.until).toISOString(), currency: deps.prices.currency,
            rows: report.rows.map((r) => ({ key: r.key, ...costFields(r) })),
            total: { ...costFields(report.total), ...(report.total.freeTier ? { freeTier: report.total.freeTier } : {}) },
          },
        };
      },
    },
    {
      method: 'GET', path: '/nimbus/v1/invocations', maxBodyBytes: 0,
      async handle(req) {
        const limit = parseInteger(req.query, 'limit', 1, 1000, 50);
        const before = req.query.get('before') ?? undefined;
        if (before !== undefined && !/^[1-9]\d{0,15}$/.test(before)) throw new NimbusError('InvalidParameterValueException', `before: not a cursor this API returned: '${before}'`);
        await deps.flush();
        const records = await deps.usage.list({ ...req.scope, function: parseFunction(req.query), beforeId: before === undefined ? undefined : Number(before), limit });
        const last = records.at(-1);
        return {
          status: 200,
          body: { invocations: records.map((r) => invocationView(r, deps.prices)), next: records.length === limit && last ? String(last.id) : undefined },
        };
      },
    },
    {
      method: 'GET', path: '/nimbus/v1/series', maxBodyBytes: 0,
      async handle(req) {
        const window = parseWindow(req.query, deps.clock());
        const step = parseInteger(req.query, 'step', 1, 31 * 86_400, 60);
        if ((window.until - window.since) / (step * 1000) > MAX_POINTS) {
          throw new NimbusError('InvalidParameterValueException', `step: the range would have more than ${MAX_POINTS} points; use a larger step or a shorter range`);
        }
        await deps.flush();
        const points = await usageSeries(deps.usage, deps.prices, { ...req.scope, ...window, function: parseFunction(req.query) }, step * 1000);
        return { status: 200, body: { step, points } };
      },
    },
  ];
}
