// Deploy from a zip file: CreateFunction for a new name, UpdateFunctionCode for an existing one.
import { ApiError, deployZip, getConfiguration, getJson, type FunctionConfig } from '../api.js';
import { fill, h } from '../dom.js';
import { bytes } from '../format.js';
import { errorText, type Page } from '../page.js';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve((reader.result as string).replace(/^data:[^,]*,/, '')); // readAsDataURL gives a string
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
    reader.readAsDataURL(file);
  });
}

async function exists(name: string): Promise<boolean> {
  try {
    await getConfiguration(name);
    return true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return false;
    throw err;
  }
}

/** Waits until the function can be invoked (State Active, update finished), as the SDK waiters do. */
async function settled(name: string): Promise<FunctionConfig> {
  for (let i = 0; i < 120; i++) {
    const c = await getConfiguration(name);
    if (c.State === 'Failed' || c.LastUpdateStatus === 'Failed') throw new Error(c.StateReason ?? 'the deployment failed');
    if ((c.State ?? 'Active') === 'Active' && c.LastUpdateStatus !== 'InProgress') return c;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the function did not become active within a minute');
}

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  return h('label', { class: 'field' }, h('span', {}, label), control, hint ? h('small', { class: 'muted' }, hint) : null);
}

export function deployPage(existing?: string): Page {
  const name = h('input', { id: 'deploy-name', name: 'name', required: true, pattern: '[A-Za-z0-9_\\-]{1,64}', value: existing ?? '', placeholder: 'hello', autocomplete: 'off' });
  if (existing) name.readOnly = true;
  const file = h('input', { id: 'deploy-zip', name: 'zip', type: 'file', accept: '.zip,application/zip', required: true });
  const runtime = h('select', { id: 'deploy-runtime', name: 'runtime' }, h('option', { value: 'nodejs20.x' }, 'nodejs20.x'));
  const handler = h('input', { id: 'deploy-handler', name: 'handler', value: 'index.handler', required: true });
  const memory = h('input', { id: 'deploy-memory', name: 'memory', type: 'number', min: 128, max: 10240, step: 1, value: 128 });
  const timeout = h('input', { id: 'deploy-timeout', name: 'timeout', type: 'number', min: 1, max: 900, value: 3 });
  const status = h('div', { id: 'deploy-status', role: 'status' });
  const submit = h('button', { class: 'button primary', type: 'submit', id: 'deploy-button' }, existing ? 'Upload new code' : 'Deploy');
  const newOnly = h('div', { class: 'grid-2' }, field('Runtime', runtime), field('Handler', handler, 'file.export, e.g. index.handler'),
    field('Memory (MB)', memory), field('Timeout (s)', timeout));
  const form = h('form', { class: 'card form', id: 'deploy-form' },
    field('Function name', name, existing ? undefined : 'A new name creates the function; an existing one gets the new code.'),
    field('Code (.zip, up to 50 MB)', file, 'The handler file at the root of the archive.'),
    existing ? null : newOnly, h('div', { class: 'row' }, submit), status);

  void getJson<{ Runtimes: { runtime: string }[] }>('/nimbus/v1/runtimes').then((r) => {
    fill(runtime, r.Runtimes.map((x) => h('option', { value: x.runtime, selected: x.runtime === 'nodejs20.x' }, x.runtime)));
  }).catch(() => undefined);

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const zip = file.files?.[0];
      if (!NAME.test(name.value)) return fill(status, h('p', { class: 'error-box' }, 'The name must be 1-64 letters, digits, hyphens or underscores.'));
      if (!zip) return fill(status, h('p', { class: 'error-box' }, 'Choose a .zip file.'));
      submit.disabled = true;
      try {
        fill(status, h('p', { class: 'muted' }, `Uploading ${zip.name} (${bytes(zip.size)})…`));
        const isUpdate = await exists(name.value);
        await deployZip({
          name: name.value, zipBase64: await readBase64(zip), runtime: runtime.value, handler: handler.value,
          memorySize: Number(memory.value), timeout: Number(timeout.value),
        }, isUpdate);
        fill(status, h('p', { class: 'muted' }, 'Waiting for the function to become active…'));
        const c = await settled(name.value);
        fill(status, h('p', { class: 'ok-box' }, `${isUpdate ? 'Updated' : 'Created'} ${c.FunctionName} (code ${c.CodeSha256.slice(0, 12)}…). `,
          h('a', { href: `#/fn/${encodeURIComponent(c.FunctionName)}`, id: 'deploy-open' }, 'Open the function →')));
        location.hash = `#/fn/${encodeURIComponent(c.FunctionName)}`;
      } catch (err) {
        fill(status, h('p', { class: 'error-box' }, `Deploy failed: ${errorText(err)}`));
      } finally {
        submit.disabled = false;
      }
    })();
  });

  const element = h('div', { class: 'page narrow' },
    h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, existing ? `Upload code for ${existing}` : 'Deploy a function'),
      h('p', { class: 'muted' }, 'Zip your handler and its node_modules; the platform checks the archive before storing it.'))), form);
  return { element, dispose: () => undefined };
}
