// The dashboard's entry: a hash router over the pages, and the platform's status in the bar.
import './style.css';
import { instances } from './api.js';
import { deployPage } from './pages/deploy-page.js';
import { functionPage } from './pages/function-page.js';
import { functionsListPage } from './pages/functions-list.js';
import { usagePage } from './pages/usage-page.js';
import type { Page } from './page.js';

const app = document.getElementById('app') as HTMLElement;
let current: Page | undefined;

function route(hash: string): { page: Page; nav: string } {
  const [, section, arg] = hash.replace(/^#/, '').split('/');
  const name = arg === undefined ? undefined : decodeURIComponent(arg);
  if (section === 'fn' && name) return { page: functionPage(name), nav: 'functions' };
  if (section === 'deploy') return { page: deployPage(name), nav: 'deploy' };
  if (section === 'usage') return { page: usagePage(), nav: 'usage' };
  return { page: functionsListPage(), nav: 'functions' };
}

function show(): void {
  current?.dispose();
  const { page, nav } = route(location.hash);
  current = page;
  app.replaceChildren(page.element);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', show);
show();

void instances().then((i) => {
  const el = document.getElementById('platform-status');
  if (el) el.textContent = `sandbox: ${i.sandbox.driver} · ${i.functions.reduce((s, f) => s + f.live, 0)} live instances`;
}).catch(() => undefined);
