// One function: health, charts over time, test invoke beside the live log, recent
// invocations, configuration, versions and triggers.
import { ApiError } from '../api.js';
import { FUNCTION_CHARTS, createChart } from '../charts.js';
import { badge, card, fill, h, stat, table } from '../dom.js';
import { ago, money, ms, pct } from '../format.js';
import { isError, recentInvocations, series, toMs, type Invocation, type Source } from '../metrics.js';
import { errorText, every, type Page } from '../page.js';
import { detailCards } from './function-details.js';
import { invokePanel } from './invoke-panel.js';
import { logTail } from './log-tail.js';

const RANGES = [{ label: '15 min', seconds: 900, step: 60 }, { label: '1 hour', seconds: 3600, step: 60 }, { label: '24 hours', seconds: 86400, step: 3600 }] as const;

function invocationRow(i: Invocation): HTMLTableRowElement {
  return h('tr', {},
    h('td', { class: 'muted' }, ago(toMs(i.start))), h('td', {}, h('code', { class: 'short' }, i.requestId.slice(0, 8))),
    h('td', {}, isError(i.outcome) ? badge(i.outcome, 'bad') : badge(i.outcome, 'ok')),
    h('td', {}, i.startType === 'cold' ? badge('cold', 'warn') : badge(i.startType, 'muted')),
    h('td', { class: 'num' }, ms(i.durationMs)), h('td', { class: 'num' }, i.initDurationMs === undefined ? '' : ms(i.initDurationMs)),
    h('td', { class: 'num' }, `${i.maxMemoryUsedMb}/${i.memoryMb} MB`), h('td', { class: 'muted' }, i.trigger), h('td', { class: 'num' }, money(i.cost)));
}

function sourceNote(source: Source): HTMLElement | null {
  return source === 'logs' ? h('p', { class: 'muted small' }, 'From the function’s REPORT lines: this platform serves no metering API yet, so trigger and cost are unknown.') : null;
}

export function functionPage(name: string): Page {
  const stats = h('div', { class: 'stats' });
  const charts = FUNCTION_CHARTS.map(createChart);
  let range: (typeof RANGES)[number] = RANGES[0];
  const rangeButtons = h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range' });
  const chartsNote = h('div', {});
  const invocations = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const details = h('div', { class: 'details' });
  const tail = logTail(name);
  const head = h('div', { class: 'page-head' }, h('div', {}, h('p', { class: 'crumb' }, h('a', { href: '#/' }, 'Functions'), ' / '), h('h1', { id: 'function-name' }, name)));
  const element = h('div', { class: 'page' }, head, stats,
    h('section', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', {}, 'Activity'), rangeButtons), h('div', { class: 'charts' }, charts.map((c) => c.element)), chartsNote),
    h('div', { class: 'split' }, invokePanel(name, () => refresh()), tail.element),
    card('Recent invocations', invocations), details);

  const refreshCharts = async (): Promise<void> => {
    const until = Date.now();
    const since = until - range.seconds * 1000;
    const { source, series: s } = await series(name, since, until, range.step);
    for (const c of charts) c.update(s.points, { since, until });
    fill(chartsNote, sourceNote(source));
    const sum = (f: (p: (typeof s.points)[number]) => number): number => s.points.reduce((a, p) => a + f(p), 0);
    const p99s = s.points.map((p) => p.p99Ms).filter((p): p is number => p !== null);
    const total = sum((p) => p.invocations);
    fill(stats, stat(`Invocations (${range.label})`, String(total)), stat('Error rate', pct(sum((p) => p.errors), total)),
      stat('p99 duration', ms(p99s.length ? Math.max(...p99s) : undefined)), stat('Cold starts', pct(sum((p) => p.coldStarts), total)),
      stat('Cost', money(sum((p) => p.cost))));
  };
  const refreshInvocations = async (): Promise<void> => {
    const { invocations: list } = await recentInvocations(name, 25);
    fill(invocations, table(['When', 'Request', 'Outcome', 'Start', '#Duration', '#Init', '#Memory', 'Trigger', '#Cost'], list.map(invocationRow), 'No invocations yet. Try the test invoke above.'));
  };
  function refresh(): void {
    void refreshCharts().catch(() => undefined);
    void refreshInvocations().catch(() => undefined);
  }
  for (const r of RANGES) {
    const b = h('button', { type: 'button', class: r === range ? 'active' : '' }, r.label);
    b.addEventListener('click', () => {
      range = r;
      for (const other of rangeButtons.children) other.classList.toggle('active', other === b);
      void refreshCharts();
    });
    rangeButtons.append(b);
  }

  const loadDetails = async (): Promise<void> => {
    try {
      const { config, cards } = await detailCards(name);
      head.append(h('div', { class: 'head-actions' },
        badge(config.State ?? 'Active', config.State === 'Failed' ? 'bad' : config.State === 'Active' || config.State === undefined ? 'ok' : 'warn'),
        h('a', { class: 'button', href: `#/deploy/${encodeURIComponent(name)}` }, 'Upload new code')));
      fill(details, h('div', { class: 'grid-2' }, cards));
    } catch (err) {
      fill(details, h('p', { class: 'error-box' }, err instanceof ApiError && err.status === 404 ? `No function named ${name}.` : errorText(err)));
    }
  };
  void loadDetails();
  const stop = every(5000, () => Promise.all([refreshCharts(), refreshInvocations()]).then(() => undefined));
  return { element, dispose: () => { stop(); tail.dispose(); } };
}
