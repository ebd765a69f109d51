// Every function with its health over the last hour at a glance.
import { listFunctions, type FunctionConfig } from '../api.js';
import { badge, fill, h, stat, table } from '../dom.js';
import { ago, count, ms, pct } from '../format.js';
import { health, type Health } from '../metrics.js';
import { errorText, every, type Page } from '../page.js';

function stateBadge(c: FunctionConfig): HTMLElement {
  if (c.LastUpdateStatus === 'InProgress') return badge('Updating', 'info');
  if (c.LastUpdateStatus === 'Failed') return badge('Update failed', 'bad');
  const state = c.State ?? 'Active';
  return badge(state, state === 'Active' ? 'ok' : state === 'Failed' ? 'bad' : 'warn');
}

function healthCells(hl: Health | undefined): HTMLTableCellElement[] {
  if (!hl) return [1, 2, 3, 4, 5].map(() => h('td', { class: 'num muted' }, '…'));
  const errorRate = hl.invocations === 0 ? 0 : hl.errors / hl.invocations;
  return [
    h('td', { class: 'muted' }, ago(hl.last)),
    h('td', { class: 'num' }, count(hl.invocations)),
    h('td', { class: `num ${errorRate > 0.05 ? 'bad-text' : errorRate > 0 ? 'warn-text' : ''}` }, pct(hl.errors, hl.invocations)),
    h('td', { class: 'num' }, ms(hl.p99Ms ?? undefined)),
    h('td', { class: 'num' }, pct(hl.coldStarts, hl.invocations)),
  ];
}

export function functionsListPage(): Page {
  const body = h('section', { class: 'card' }, h('p', { class: 'muted' }, 'Loading functions…'));
  const summary = h('div', { class: 'stats' });
  const element = h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Functions'), h('p', { class: 'muted' }, 'Health over the last hour.')),
      h('a', { class: 'button primary', href: '#/deploy' }, 'Deploy a function')),
    summary, body);
  const healths = new Map<string, Health>();

  const render = (functions: FunctionConfig[]): void => {
    const rows = functions.map((c) => h('tr', { 'data-function': c.FunctionName },
      h('td', {}, h('a', { href: `#/fn/${encodeURIComponent(c.FunctionName)}`, class: 'fn-link' }, c.FunctionName)),
      h('td', {}, stateBadge(c)),
      h('td', { class: 'muted' }, `${c.Runtime ?? c.PackageType ?? ''} · ${c.MemorySize} MB`),
      ...healthCells(healths.get(c.FunctionName))));
    fill(body, table(['Function', 'State', 'Runtime', 'Last invoked', '#Invocations', '#Error rate', '#p99', '#Cold starts'], rows,
      'No functions yet. Deploy one from a zip file, or with `nimbus deploy` or the AWS CLI.'));
    const all = [...healths.values()];
    const total = all.reduce((s, x) => s + x.invocations, 0);
    const errors = all.reduce((s, x) => s + x.errors, 0);
    fill(summary,
      stat('Functions', count(functions.length)), stat('Invocations (1 h)', count(total)),
      stat('Error rate (1 h)', pct(errors, total)), stat('Cold starts (1 h)', pct(all.reduce((s, x) => s + x.coldStarts, 0), total)));
  };

  const stop = every(5000, async () => {
    let functions: FunctionConfig[];
    try {
      functions = (await listFunctions()).sort((a, b) => a.FunctionName.localeCompare(b.FunctionName));
    } catch (err) {
      fill(body, h('p', { class: 'error-box' }, `Could not list functions: ${errorText(err)}`));
      return;
    }
    render(functions);
    await Promise.all(functions.map(async (c) => {
      try {
        healths.set(c.FunctionName, await health(c.FunctionName));
      } catch { /* its row keeps the previous numbers */ }
    }));
    render(functions);
  });
  return { element, dispose: stop };
}
