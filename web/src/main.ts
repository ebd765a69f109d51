// The dashboard's entry: a hash router over the pages, and the platform's status in the bar.
// When the platform enforces access keys and refuses the page, the sign-in form takes the
// place of every page until a login succeeds; the bar then shows the key and "Sign out".
import './style.css';
import { instances, onAuthRequired, signOut, whoami, type WhoAmI } from './api.js';
import { h } from './dom.js';
import { deployPage } from './pages/deploy-page.js';
import { functionPage } from './pages/function-page.js';
import { functionsListPage } from './pages/functions-list.js';
import { loginPage } from './pages/login-page.js';
import { usagePage } from './pages/usage-page.js';
import type { Page } from './page.js';

const app = document.getElementById('app') as HTMLElement;
let current: Page | undefined;
/** True from the first refusal for want of credentials until a login succeeds. */
let signedOut = false;

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
  const { page, nav } = signedOut ? { page: loginPage(signedIn), nav: '' } : route(location.hash);
  current = page;
  app.replaceChildren(page.element);
  for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
  window.scrollTo(0, 0);
}

/** The signed-in key in the bar, only when the platform enforces keys (open mode shows nothing). */
function showSession(who: WhoAmI | undefined): void {
  document.getElementById('session')?.remove();
  if (who?.mode !== 'enforced' || who.accessKeyId === undefined) return;
  const out = h('button', { class: 'button', type: 'button', id: 'signout-button' }, 'Sign out');
  out.addEventListener('click', () => void signOut().catch(() => undefined).then(requireSignIn));
  document.querySelector('.topbar')?.append(h('span', { class: 'session', id: 'session' },
    h('span', { id: 'session-key', title: `account ${who.account}` }, `${who.accessKeyId} · ${who.account}`), out));
}

function showStatus(): void {
  void instances().then((i) => {
    const el = document.getElementById('platform-status');
    if (el) el.textContent = `sandbox: ${i.sandbox.driver} · ${i.functions.reduce((s, f) => s + f.live, 0)} live instances`;
  }).catch(() => undefined);
  void whoami().then(showSession, () => undefined);
}

function requireSignIn(): void {
  if (signedOut) return;
  signedOut = true;
  showSession(undefined);
  show();
}

function signedIn(): void {
  signedOut = false;
  show();
  showStatus();
}

onAuthRequired(requireSignIn);
window.addEventListener('hashchange', () => {
  if (!signedOut) show();
});
show();
showStatus();
