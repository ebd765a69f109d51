// How `nimbus serve` serves the dashboard next to the APIs on the same port: the page and
// its assets for unsigned GETs of / and /assets/*, while signed S3 and SQS requests to `/`,
// the Lambda API and /nimbus/v1 keep reaching their own surfaces. Also the admin log tail
// (/nimbus/v1/logs) the page follows. No browser needed.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { deploy, invoke } from '../helpers/functions.js';
import { s3Client } from '../helpers/s3.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { sqsClient } from '../helpers/sqs.js';

interface LogsPage { events: { id: number; message: string; requestId?: string }[]; next: number }

/** Log lines are written off the invocation's path: poll until `done` holds (or the test's timeout ends it). */
async function logsUntil(server: RunningServer, query: string, done: (page: LogsPage) => boolean): Promise<LogsPage> {
  for (;;) {
    const page = await (await fetch(`${server.url}/nimbus/v1/logs?${query}`)).json() as LogsPage;
    if (done(page)) return page;
    await sleep(100);
  }
}

const hasReport = (page: LogsPage): boolean => page.events.some((e) => e.message.startsWith('REPORT RequestId: '));

describe('dashboard serving', { timeout: 60_000 }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.dispose());

  test('GET / is the dashboard page, and its assets are served with long caching', async () => {
    const page = await fetch(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const html = await page.text();
    assert.match(html, /<main id="app"/);
    const script = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(`${server.url}${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await asset.text()).length > 1000);

    const missing = await fetch(`${server.url}/assets/nope.js`);
    assert.equal(missing.status, 404);
    const escape = await fetch(`${server.url}/assets/..%2f..%2fpackage.json`);
    assert.equal(escape.status, 404);
    const post = await fetch(`${server.url}/`, { method: 'POST', body: '{}' });
    assert.notEqual(post.status, 200, 'POST / is not the page');
  });

  test('signed S3 and SQS requests to / and the other APIs still reach their surfaces', async () => {
    const buckets = await s3Client(server).send(new ListBucketsCommand({}));
    assert.deepEqual(buckets.Buckets ?? [], []);
    const queues = await sqsClient(server).send(new ListQueuesCommand({}));
    assert.deepEqual(queues.QueueUrls ?? [], []);
    const functions = await fetch(`${server.url}/2015-03-31/functions/`);
    assert.deepEqual(await functions.json(), { Functions: [] });
    const health = await fetch(`${server.url}/nimbus/v1/health`);
    assert.equal(health.status, 200);
  });

  test('GET /nimbus/v1/logs returns the newest lines, then only lines after the cursor', async () => {
    const lambda = server.lambda();
    await deploy(lambda, 'tailed', { 'index.js': 'exports.handler = async (e) => { console.log(`tail-marker-${e.n}`); return e.n; };\n' });
    await invoke(lambda, 'tailed', { n: 1 });
    const first = await logsUntil(server, 'function=tailed', hasReport);
    const messages = first.events.map((e) => e.message);
    assert.ok(messages.some((m) => m.includes('tail-marker-1')), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('REPORT RequestId: ')), messages.join('\n'));
    assert.equal(first.next, Math.max(...first.events.map((e) => e.id)));

    const nothingNew = await (await fetch(`${server.url}/nimbus/v1/logs?function=tailed&after=${first.next}`)).json() as LogsPage;
    assert.deepEqual(nothingNew, { events: [], next: first.next });

    await invoke(lambda, 'tailed', { n: 2 });
    const second = await logsUntil(server, `function=tailed&after=${first.next}`, hasReport);
    const newMessages = second.events.map((e) => e.message);
    assert.ok(newMessages.some((m) => m.includes('tail-marker-2')), newMessages.join('\n'));
    assert.ok(!newMessages.some((m) => m.includes('tail-marker-1')), 'only lines after the cursor');

    const newest = await (await fetch(`${server.url}/nimbus/v1/logs?function=tailed&limit=1`)).json() as LogsPage;
    assert.equal(newest.events.length, 1);
    assert.match(newest.events[0]?.message ?? '', /^REPORT RequestId: /);
  });

  test('GET /nimbus/v1/logs validates its parameters in the admin API error shape', async () => {
    for (const [query, field] of [['function=bad%20name', 'function'], ['', 'function'], ['function=x&after=-1', 'after'], ['function=x&limit=0', 'limit'], ['function=x&limit=abc', 'limit']] as const) {
      const res = await fetch(`${server.url}/nimbus/v1/logs?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
      const body = await res.json() as { message: string };
      assert.match(body.message, new RegExp(`^${field}: `), query);
    }
    const unknown = await (await fetch(`${server.url}/nimbus/v1/logs?function=never-deployed`)).json() as LogsPage;
    assert.deepEqual(unknown, { events: [], next: 0 });
  });
});
