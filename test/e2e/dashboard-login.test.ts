// Signing in to the dashboard once the platform enforces access keys: a real `nimbus serve`
// gets one key (made through the keys API while it is still open), after which the page
// asks for the key, refuses a wrong secret, shows the functions for the right one, and asks
// again after "Sign out". The session routes are checked over plain HTTP first: the cookie's
// attributes, the refusal that never says which part was wrong, whoami, logout.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openBrowser, requireChromium, type TestBrowser } from '../helpers/browser.js';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

interface CreatedKey { accessKeyId: string; secretAccessKey: string; account: string }

const skipBrowser = requireChromium();
const DEFAULT_ACCOUNT = '000000000000';

describe('dashboard sign-in', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let key: CreatedKey;

  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const whoami = async (cookie?: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${server.url}/nimbus/v1/whoami`, { headers: cookie === undefined ? {} : { cookie } });
    return { status: res.status, body: await res.json() as Record<string, unknown> };
  };
  /** The cookie a login sets, as the browser would send it back. */
  const sessionOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

  before(async () => {
    server = await startServer();
    // While the platform is open: a function in the default account, then the first key (same account).
    await deploy(server.lambda(), 'signed-in-fn', { 'index.js': 'exports.handler = async () => "ok";' });
    assert.deepEqual((await whoami()).body, { mode: 'open', account: DEFAULT_ACCOUNT });
    const created = await post('/nimbus/v1/keys', { description: 'dashboard e2e' });
    assert.equal(created.status, 201, await created.clone().text());
    key = await created.json() as CreatedKey;
    assert.equal(key.account, DEFAULT_ACCOUNT);
  });
  after(() => server?.dispose());

  test('login sets an HttpOnly SameSite=Strict session cookie; a wrong secret or key gets 401 that says neither', async () => {
    const wrongSecret = await post('/nimbus/v1/login', { accessKeyId: key.accessKeyId, secretAccessKey: `${key.secretAccessKey}x` });
    const unknownKey = await post('/nimbus/v1/login', { accessKeyId: 'AKIAAAAAAAAAAAAAAAAA', secretAccessKey: key.secretAccessKey });
    for (const res of [wrongSecret, unknownKey]) {
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('x-amzn-errortype'), 'NotAuthorizedException');
      assert.equal(res.headers.get('set-cookie'), null);
      assert.deepEqual(await res.json(), { Type: 'User', message: 'The access key id or secret is not valid.' });
    }
    // A cross-site HTML form cannot send JSON: a login that is not JSON is refused outright.
    const form = await fetch(`${server.url}/nimbus/v1/login`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `accessKeyId=${key.accessKeyId}&secretAccessKey=${encodeURIComponent(key.secretAccessKey)}`,
    });
    assert.equal(form.status, 415);

    const ok = await post('/nimbus/v1/login', { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { accessKeyId: key.accessKeyId, account: DEFAULT_ACCOUNT });
    assert.match(ok.headers.get('set-cookie') ?? '', /^nimbus_session=[\w-]+\.[\w-]+; Max-Age=43200; Path=\/; HttpOnly; SameSite=Strict$/);
    const cookie = sessionOf(ok);
    assert.deepEqual((await whoami(cookie)).body, { mode: 'enforced', account: DEFAULT_ACCOUNT, accessKeyId: key.accessKeyId });

    // The session is a credential for the admin API: with it, a second key, deactivated, cannot log in.
    const second = await post('/nimbus/v1/keys', { description: 'to deactivate' }, { cookie });
    assert.equal(second.status, 201, await second.clone().text());
    const other = await second.json() as CreatedKey;
    assert.equal((await post(`/nimbus/v1/keys/${other.accessKeyId}`, { status: 'Inactive' }, { cookie })).status, 200);
    assert.equal((await post('/nimbus/v1/login', { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey })).status, 401);

    const out = await post('/nimbus/v1/logout', {}, { cookie });
    assert.equal(out.status, 204);
    assert.equal(out.headers.get('set-cookie'), 'nimbus_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict');
  });

  test('a forged or foreign cookie is no session', async () => {
    const ok = await post('/nimbus/v1/login', { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
    const [payload = '', mac = ''] = sessionOf(ok).replace('nimbus_session=', '').split('.');
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(DEFAULT_ACCOUNT, '111111111111')).toString('base64url');
    const who = await whoami(`nimbus_session=${forged}.${mac}`);
    // Refused by the authenticator (403), or at least not signed in as the key.
    assert.ok(who.status === 403 || (who.status === 200 && who.body.accessKeyId === undefined), JSON.stringify(who));
    assert.notEqual(who.body.account, '111111111111');
  });

  describe('in a browser', { skip: skipBrowser }, () => {
    let browser: TestBrowser;
    before(async () => {
      browser = await openBrowser();
    });
    after(() => browser?.dispose());

    test('the page asks for a key, refuses a wrong secret, shows the functions, and asks again after sign out', async () => {
      const { page } = browser;
      await page.goto(`${server.url}/`);
      await page.locator('#login-form').waitFor();
      assert.equal(await page.locator('#session').count(), 0);
      await browser.screenshot('login-01-form');

      await page.locator('#login-access-key-id').fill(key.accessKeyId);
      await page.locator('#login-secret').fill('not-the-secret');
      await page.locator('#login-button').click();
      await page.locator('#login-error', { hasText: 'The access key id or secret is not valid.' }).waitFor();
      await browser.screenshot('login-02-wrong-secret');

      await page.locator('#login-secret').fill(key.secretAccessKey);
      await page.locator('#login-button').click();
      await page.locator('tr[data-function="signed-in-fn"]').waitFor();
      await page.locator('#session-key', { hasText: `${key.accessKeyId} · ${DEFAULT_ACCOUNT}` }).waitFor();
      assert.equal(await page.locator('#login-form').count(), 0);
      await browser.screenshot('login-03-signed-in');

      // The session survives a reload (the cookie), and other pages work with it.
      await page.reload();
      await page.locator('tr[data-function="signed-in-fn"]').waitFor();
      await page.getByRole('navigation').getByRole('link', { name: 'Deploy' }).click();
      await page.locator('#deploy-form').waitFor();

      await page.locator('#signout-button').click();
      await page.locator('#login-form').waitFor();
      assert.equal(await page.locator('#session').count(), 0);
      await page.reload();
      await page.locator('#login-form').waitFor();
      await browser.screenshot('login-04-signed-out');

      assert.deepEqual(browser.pageErrors, []);
    });
  });
});
