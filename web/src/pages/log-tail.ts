// A function's log as it is written: polls /nimbus/v1/logs with the last id seen.
import { logs, type LogLine } from '../api.js';
import { h } from '../dom.js';
import { clock } from '../format.js';
import { every } from '../page.js';

const MAX_LINES = 500;

export function lineClass(message: string): string {
  if (message.startsWith('REPORT ')) return 'log-report';
  if (message.startsWith('START ') || message.startsWith('END ')) return 'log-platform';
  if (/\tERROR\t|Status: (error|timeout)/.test(message)) return 'log-error';
  return '';
}

export function logTail(name: string): { element: HTMLElement; dispose(): void } {
  const list = h('ol', { class: 'log', id: 'log-tail' }, h('li', { class: 'muted' }, 'Waiting for log lines…'));
  const status = h('span', { class: 'live-dot', title: 'following' });
  const element = h('section', { class: 'card log-card' }, h('h2', {}, 'Live log ', status), list);
  let cursor: number | undefined;
  let first = true;

  const add = (lines: readonly LogLine[]): void => {
    if (lines.length === 0) return;
    if (first) list.replaceChildren();
    first = false;
    const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 24;
    for (const line of lines) {
      list.append(h('li', { class: lineClass(line.message) }, h('time', {}, clock(line.timestamp)), h('span', {}, line.message.trimEnd())));
    }
    while (list.childElementCount > MAX_LINES) list.firstElementChild?.remove();
    if (atBottom) list.scrollTop = list.scrollHeight;
  };

  const stop = every(1000, async () => {
    try {
      const page = await logs(name, cursor, cursor === undefined ? 100 : 500);
      cursor = page.next;
      add(page.events);
      status.classList.remove('stalled');
    } catch {
      status.classList.add('stalled');
    }
  });
  return { element, dispose: stop };
}
