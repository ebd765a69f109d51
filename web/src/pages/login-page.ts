// Sign in with an access key, shown instead of any page once the platform enforces
// authentication and the browser has no (valid) session. The secret goes to
// /nimbus/v1/login only; the platform answers with an HttpOnly cookie the page never sees.
import { signIn } from '../api.js';
import { fill, h } from '../dom.js';
import { errorText, type Page } from '../page.js';

export function loginPage(onSignedIn: () => void): Page {
  const keyId = h('input', { id: 'login-access-key-id', name: 'accessKeyId', required: true, autocomplete: 'username', spellcheck: 'false', placeholder: 'AKIA…' });
  const secret = h('input', { id: 'login-secret', name: 'secretAccessKey', type: 'password', required: true, autocomplete: 'current-password' });
  const status = h('div', { id: 'login-status', role: 'status' });
  const submit = h('button', { class: 'button primary', type: 'submit', id: 'login-button' }, 'Sign in');
  const form = h('form', { class: 'card form', id: 'login-form' },
    h('label', { class: 'field' }, h('span', {}, 'Access key id'), keyId),
    h('label', { class: 'field' }, h('span', {}, 'Secret access key'), secret),
    h('div', { class: 'row' }, submit), status);
  const element = h('div', { class: 'page narrow' },
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Sign in'),
      h('p', { class: 'muted' }, 'This platform requires an access key. Create one with ', h('code', {}, 'nimbus keys create'), '.'))),
    form);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit.disabled = true;
    fill(status);
    void signIn(keyId.value.trim(), secret.value).then(() => {
      secret.value = '';
      onSignedIn();
    }, (err: unknown) => {
      fill(status, h('p', { class: 'error-box', id: 'login-error' }, `Could not sign in: ${errorText(err)}`));
      submit.disabled = false;
      secret.select();
    });
  });
  queueMicrotask(() => keyId.focus());
  return { element, dispose: () => undefined };
}
