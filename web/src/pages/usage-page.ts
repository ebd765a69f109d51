// What the functions cost: the metering API's usage report, by function, day or hour.
import { createChart, type ChartSpec } from '../charts.js';
import { card, fill, h, stat, table } from '../dom.js';
import { count, money } from '../format.js';
import { usage, type UsageReport } from '../metrics.js';
import { errorText, every, type Page } from '../page.js';

const PERIODS = [{ label: 'Last 24 hours', days: 1 }, { label: 'Last 7 days', days: 7 }, { label: 'Last 30 days', days: 30 }] as const;

const COST_OVER_TIME: ChartSpec = {
  id: 'usage-cost', title: 'Cost over time', format: (v) => (v === 0 ? '$0' : `$${v.toPrecision(2)}`), total: (sum) => money(sum), minMax: 1e-9,
  lines: [{ label: 'cost', color: '#f97316', value: (p) => p.cost, bars: true }],
};
const REQUESTS_OVER_TIME: ChartSpec = {
  id: 'usage-requests', title: 'Requests over time', format: (v) => (Number.isInteger(v) ? count(v) : ''), total: count, minMax: 1,
  lines: [{ label: 'requests', color: '#6366f1', value: (p) => p.invocations, bars: true }],
};

/** The report's time rows as chart points (keys are the bucket's ISO start). */
function points(r: UsageReport): { t: string; invocations: number; cost: number; errors: number; throttles: number; coldStarts: number; p50Ms: null; p99Ms: null; maxConcurrency: number }[] {
  return r.rows.map((row) => ({ t: row.key, invocations: row.requests, cost: row.totalCost, errors: 0, throttles: 0, coldStarts: 0, p50Ms: null, p99Ms: null, maxConcurrency: 0 }));
}

function report(r: UsageReport): HTMLElement[] {
  const rows = r.rows.map((row) => h('tr', {},
    h('td', {}, row.key), h('td', { class: 'num' }, count(row.requests)), h('td', { class: 'num' }, count(row.billedMs)),
    h('td', { class: 'num' }, row.gbSeconds.toFixed(3)), h('td', { class: 'num' }, money(row.requestCost, r.currency)),
    h('td', { class: 'num' }, money(row.computeCost, r.currency)), h('td', { class: 'num strong' }, money(row.totalCost, r.currency))));
  return [
    h('div', { class: 'stats' }, stat('Requests', count(r.total.requests)), stat('GB-seconds', r.total.gbSeconds.toFixed(3)),
      stat('Request cost', money(r.total.requestCost, r.currency)), stat('Compute cost', money(r.total.computeCost, r.currency)),
      stat('Total', money(r.total.totalCost, r.currency))),
    card('Breakdown', table(['Key', '#Requests', '#Billed ms', '#GB-s', '#Request cost', '#Compute cost', '#Total'], rows, 'No usage in this period.')),
  ];
}

export function usagePage(): Page {
  let period: (typeof PERIODS)[number] = PERIODS[0];
  let by: 'function' | 'day' | 'hour' = 'function';
  const body = h('div', { class: 'page' }, h('p', { class: 'muted' }, 'Loading…'));
  const periodSelect = h('select', { id: 'usage-period', 'aria-label': 'Period' }, PERIODS.map((p, i) => h('option', { value: i }, p.label)));
  const bySelect = h('select', { id: 'usage-by', 'aria-label': 'Group by' }, ['function', 'day', 'hour'].map((b) => h('option', { value: b }, `by ${b}`)));
  const charts = [createChart(COST_OVER_TIME), createChart(REQUESTS_OVER_TIME)];
  const chartsCard = card('Over time', h('div', { class: 'charts' }, charts.map((c) => c.element)));
  const load = async (): Promise<void> => {
    try {
      const until = Date.now();
      const since = until - period.days * 86400_000;
      const [r, timeline] = await Promise.all([usage(since, until, by), usage(since, until, period.days === 1 ? 'hour' : 'day')]);
      if (timeline) for (const c of charts) c.update(points(timeline), { since, until });
      fill(body, r ? [...report(r)].toSpliced(1, 0, chartsCard) : h('div', { class: 'card empty-state' }, h('h2', {}, 'Metering is not available'),
        h('p', { class: 'muted' }, 'This platform does not serve /nimbus/v1/usage yet. Function pages still show invocations and durations from the REPORT lines.')));
    } catch (err) {
      fill(body, h('p', { class: 'error-box' }, `Could not load usage: ${errorText(err)}`));
    }
  };
  periodSelect.addEventListener('change', () => { period = PERIODS[Number(periodSelect.value)] ?? PERIODS[0]; void load(); });
  bySelect.addEventListener('change', () => { by = bySelect.value as typeof by; void load(); });
  const stop = every(15000, load);
  const element = h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Usage & cost'), h('p', { class: 'muted' }, 'Billed as Lambda bills: per request and per GB-second.')),
      h('div', { class: 'row' }, periodSelect, bySelect)), body);
  return { element, dispose: stop };
}
