// A tiny element builder: enough to keep pages declarative without a framework.
type Child = Node | string | number | null | undefined | false;
type Children = (Child | readonly Child[])[];
type Attrs = Record<string, string | number | boolean | EventListener | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Children): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el: HTMLElement, children: Children): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'object' ? child : String(child));
  }
}

/** Replaces an element's content. */
export function fill(el: HTMLElement, ...children: Children): void {
  el.replaceChildren();
  append(el, children);
}

export function card(title: string, ...children: Children): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** A table with a header row; `empty` is shown when there are no rows. Headers starting with `#` head right-aligned numbers. */
export function table(headers: readonly string[], rows: readonly HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted empty' }, empty);
  const head = headers.map((x) => (x.startsWith('#') ? h('th', { class: 'num' }, x.slice(1)) : h('th', {}, x)));
  return h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, h('tr', {}, head)), h('tbody', {}, rows)));
}

export function badge(text: string, tone: 'ok' | 'warn' | 'bad' | 'info' | 'muted'): HTMLElement {
  return h('span', { class: `badge ${tone}` }, text);
}

export function stat(label: string, value: string, hint?: string): HTMLElement {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value' }, value), hint ? h('div', { class: 'stat-hint' }, hint) : null);
}
