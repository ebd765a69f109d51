// Test invoke: pick an event template, edit it, invoke synchronously, see the result, the
// function's log tail and its REPORT line.
import { invoke } from '../api.js';
import { badge, fill, h } from '../dom.js';
import { errorText } from '../page.js';
import { TEMPLATES } from '../templates.js';
import { lineClass } from './log-tail.js';

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function invokePanel(name: string, onInvoked: () => void): HTMLElement {
  const editor = h('textarea', { id: 'invoke-event', spellcheck: 'false', rows: 12, 'aria-label': 'Event JSON' });
  const select = h('select', { id: 'invoke-template', 'aria-label': 'Event template' }, TEMPLATES.map((t) => h('option', { value: t.id }, t.label)));
  const useTemplate = (): void => {
    const template = TEMPLATES.find((t) => t.id === select.value) ?? TEMPLATES[0];
    if (template) editor.value = JSON.stringify(template.event(name), null, 2);
  };
  select.addEventListener('change', useTemplate);
  useTemplate();
  const result = h('div', { class: 'invoke-result', id: 'invoke-result' });
  const button = h('button', { class: 'button primary', id: 'invoke-button', type: 'button' }, 'Invoke');

  button.addEventListener('click', () => void (async () => {
    try {
      JSON.parse(editor.value);
    } catch (err) {
      fill(result, h('p', { class: 'error-box' }, `The event is not valid JSON: ${errorText(err)}`));
      return;
    }
    button.disabled = true;
    fill(result, h('p', { class: 'muted' }, 'Invoking…'));
    try {
      const r = await invoke(name, editor.value);
      const lines = r.log.split('\n').filter((l) => l !== '');
      const report = lines.find((l) => l.startsWith('REPORT '));
      fill(result,
        h('div', { class: 'result-head' },
          r.functionError ? badge(`Error: ${r.functionError}`, 'bad') : badge(`Succeeded (${r.status})`, 'ok'),
          r.executedVersion ? h('span', { class: 'muted' }, `version ${r.executedVersion}`) : null),
        h('h3', {}, 'Response'), h('pre', { class: 'code', id: 'invoke-payload' }, pretty(r.payload)),
        report ? h('pre', { class: 'report', id: 'invoke-report' }, report.replace(/\t/g, '  ').trim()) : null,
        h('h3', {}, 'Log tail'),
        h('ol', { class: 'log short' }, lines.map((l) => h('li', { class: lineClass(l) }, h('span', {}, l)))));
      onInvoked();
    } catch (err) {
      fill(result, h('p', { class: 'error-box' }, `Invoke failed: ${errorText(err)}`));
    } finally {
      button.disabled = false;
    }
  })());

  return h('section', { class: 'card invoke-card' }, h('h2', {}, 'Test invoke'),
    h('div', { class: 'row' }, select, button), editor, result);
}
