// Time-series charts drawn by uPlot: one small chart per metric, updated in place.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.js';
import { count, money, ms } from './format.js';
import { toMs, type SeriesPoint } from './metrics.js';

export interface ChartLine {
  readonly label: string;
  readonly color: string;
  readonly value: (p: SeriesPoint) => number | null;
  /** Bars for counts, lines for latencies. */
  readonly bars?: boolean;
}

export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** An axis value as people read it. */
  readonly format: (v: number) => string;
  /** What the caption shows for the first line's sum over the range (latencies show none). */
  readonly total?: (sum: number) => string;
  /** Counts start at a 0..1 axis; costs are fractions of a cent and scale to their data. */
  readonly minMax: number;
  readonly lines: readonly ChartLine[];
}

export interface Chart {
  readonly element: HTMLElement;
  /** `window` (epoch ms) fixes the time axis; without it the axis spans the points. */
  update(points: readonly SeriesPoint[], window?: { readonly since: number; readonly until: number }): void;
}

const WIDTH = 380;
const HEIGHT = 150;

export function createChart(spec: ChartSpec): Chart {
  const total = h('span', { class: 'chart-total' });
  const plotArea = h('div', { class: 'chart-plot' });
  const element = h('figure', { class: 'chart', id: `chart-${spec.id}`, 'data-total': 0 },
    h('figcaption', {}, h('span', {}, spec.title), total), plotArea);
  const bars = uPlot.paths.bars?.({ size: [0.7, 24] });
  let xWindow: { readonly since: number; readonly until: number } | undefined;
  const plot = new uPlot({
    width: WIDTH, height: HEIGHT, legend: { show: false }, cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true, range: (_u, min, max) => (xWindow ? [xWindow.since / 1000, xWindow.until / 1000] : [min, max]) }, y: { range: (_u, _min, max) => [0, Math.max(spec.minMax, (max || 0) * 1.15)] } },
    axes: [
      { stroke: '#8b93a7', grid: { stroke: '#eef0f5' }, ticks: { show: false }, font: '11px system-ui' },
      { stroke: '#8b93a7', grid: { stroke: '#eef0f5' }, ticks: { show: false }, font: '11px system-ui', size: 60, values: (_u, vals) => vals.map((v) => spec.format(v)) },
    ],
    series: [{}, ...spec.lines.map((l) => ({
      // Points on lines: with sparse data a line between two gaps would draw nothing.
      label: l.label, stroke: l.color, width: 2, fill: l.bars ? `${l.color}cc` : `${l.color}1f`, points: { show: !l.bars, size: 5, fill: l.color },
      ...(l.bars && bars ? { paths: bars } : {}), spanGaps: true,
    }))],
  }, [[], ...spec.lines.map(() => [])], plotArea);
  const legend = h('div', { class: 'chart-legend' }, spec.lines.map((l) => h('span', {}, h('i', { style: `background:${l.color}` }), l.label)));
  element.append(legend);
  return {
    element,
    update(points, window) {
      xWindow = window;
      const xs = points.map((p) => toMs(p.t) / 1000);
      plot.setData([xs, ...spec.lines.map((l) => points.map((p) => l.value(p)))]);
      // The sum of the first line, readable by people (the caption) and by the browser tests.
      const sum = points.reduce((acc, p) => acc + (spec.lines[0]?.value(p) ?? 0), 0);
      element.dataset.total = String(sum);
      total.textContent = spec.total?.(sum) ?? '';
    },
  };
}

const counts = { format: (v: number) => (Number.isInteger(v) ? count(v) : ''), total: count, minMax: 1 };

export const FUNCTION_CHARTS: readonly ChartSpec[] = [
  { id: 'invocations', title: 'Invocations', ...counts, lines: [{ label: 'invocations', color: '#6366f1', value: (p) => p.invocations, bars: true }] },
  { id: 'errors', title: 'Errors & throttles', ...counts, lines: [
    { label: 'errors', color: '#ef4444', value: (p) => p.errors, bars: true },
    { label: 'throttles', color: '#f59e0b', value: (p) => p.throttles, bars: true },
  ] },
  { id: 'duration', title: 'Duration', format: (v) => (v === 0 ? '0' : ms(v)), minMax: 1, lines: [
    { label: 'p99', color: '#8b5cf6', value: (p) => p.p99Ms },
    { label: 'p50', color: '#06b6d4', value: (p) => p.p50Ms },
  ] },
  { id: 'cold-starts', title: 'Cold starts', ...counts, lines: [{ label: 'cold starts', color: '#0ea5e9', value: (p) => p.coldStarts, bars: true }] },
  { id: 'concurrency', title: 'Max concurrency', ...counts, total: undefined, lines: [{ label: 'concurrent', color: '#10b981', value: (p) => p.maxConcurrency }] },
  { id: 'cost', title: 'Cost', format: (v) => (v === 0 ? '$0' : `$${v.toPrecision(2)}`), total: (sum) => money(sum), minMax: 1e-9, lines: [
    { label: 'cost', color: '#f97316', value: (p) => p.cost, bars: true },
  ] },
];
