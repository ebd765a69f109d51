// The dashboard in headless Chromium against a real `nimbus serve`: deploy a function by
// uploading a zip, invoke it with an event template, see its log line arrive in the live
// tail and the invocations chart count it. Screenshots go to test-artifacts/e2e/.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { openBrowser, requireChromium, type TestBrowser } from '../helpers/browser.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

const HANDLER = `exports.handler = async (event) => {
  console.log('dashboard-e2e got', event.rawPath, event.requestContext && event.requestContext.http.method);
  return { statusCode: 200, body: 'hello ' + (event.queryStringParameters || {}).name };
};
`;

const skip = requireChromium();

describe('dashboard in a browser', { skip, timeout: 90_000 }, () => {
  let server: RunningServer;
  let browser: TestBrowser;

  before(async () => {
    [server, browser] = await Promise.all([startServer(), openBrowser()]);
  });
  after(async () => {
    await browser?.dispose();
    await server?.dispose();
  });

  test('deploy by zip upload, invoke with a template, follow the log and the chart', async () => {
    const { page } = browser;
    const zip = await makeZip({ 'index.js': HANDLER });

    await page.goto(`${server.url}/`);
    await page.getByText('No functions yet').waitFor();
    await browser.screenshot('01-empty-functions');

    await page.getByRole('link', { name: 'Deploy a function' }).click();
    await page.locator('#deploy-name').fill('web-hello');
    await page.locator('#deploy-zip').setInputFiles({ name: 'web-hello.zip', mimeType: 'application/zip', buffer: zip });
    await browser.screenshot('02-deploy-form');
    await page.locator('#deploy-button').click();

    // Deploying opens the function's page once it is active; it shows the uploaded code's hash.
    await page.waitForURL(/#\/fn\/web-hello$/);
    await page.locator('#code-sha').waitFor();
    assert.equal(await page.locator('#code-sha').textContent(), createHash('sha256').update(zip).digest('base64'));
    assert.equal(await page.locator('#chart-invocations').getAttribute('data-total'), '0');

    await page.locator('#invoke-template').selectOption('http');
    await page.locator('#invoke-button').click();
    await page.locator('#invoke-payload').getByText('hello you').waitFor();
    assert.match(await page.locator('#invoke-report').textContent() ?? '', /^REPORT RequestId: \S+\s+Duration: [\d.]+ ms\s+Billed Duration: \d+ ms\s+Memory Size: 128 MB/);

    // The live tail follows the function's log: the handler's own line arrives.
    await page.locator('#log-tail').getByText('dashboard-e2e got /hello POST').waitFor();
    // The invocations chart counts it, and counts the next one too.
    await page.locator('#chart-invocations[data-total="1"]').waitFor();
    await page.locator('#invoke-template').selectOption('schedule');
    await page.locator('#invoke-button').click();
    await page.locator('#chart-invocations[data-total="2"]').waitFor();
    await page.locator('#log-tail').getByText('dashboard-e2e got undefined undefined').waitFor();
    await browser.screenshot('03-function-page');

    // New code for the same function: UpdateFunctionCode, and the page shows the new hash.
    const updated = await makeZip({ 'index.js': HANDLER.replace("'hello '", "'hi again '") });
    await page.getByRole('link', { name: 'Upload new code' }).click();
    await page.locator('#deploy-zip').setInputFiles({ name: 'v2.zip', mimeType: 'application/zip', buffer: updated });
    await page.locator('#deploy-button').click();
    await page.waitForURL(/#\/fn\/web-hello$/);
    await page.locator('#code-sha', { hasText: createHash('sha256').update(updated).digest('base64') }).waitFor();
    await page.locator('#invoke-template').selectOption('http');
    await page.locator('#invoke-button').click();
    await page.locator('#invoke-payload').getByText('hi again you').waitFor();

    // Back on the list, the function shows with its last hour's invocations.
    await page.getByRole('navigation').getByRole('link', { name: 'Functions' }).click();
    const row = page.locator('tr[data-function="web-hello"]');
    await row.getByRole('cell', { name: '3', exact: true }).waitFor();
    await browser.screenshot('04-functions-list');

    await page.getByRole('navigation').getByRole('link', { name: 'Usage & cost' }).click();
    await page.locator('h1', { hasText: 'Usage & cost' }).waitFor();
    await browser.screenshot('05-usage');

    assert.deepEqual(browser.pageErrors, []);
  });
});
