// Metering against a real `nimbus serve`: every invocation leaves a usage record
// (/nimbus/v1/invocations), and the cost report (/nimbus/v1/usage, JSON and CSV) sums to
// exactly those records and to a hand computation from Lambda's prices; the series and
// `nimbus usage` tell the same story.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import { CreateFunctionCommand, PutFunctionConcurrencyCommand, TooManyRequestsException, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { nimbus } from '../helpers/cli.js';
import { deploy, invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

const HANDLER = `exports.handler = async (event) => { if (event.fail) throw new Error('asked to fail'); return { echo: event.text ?? '' }; };\n`;
const GB_S_X86 = 0.0000166667;
const GB_S_ARM = 0.0000133334;

interface Invocation {
  requestId: string; function: string; version: string; qualifier?: string; trigger: string; start: string; durationMs: number; billedMs: number;
  memoryMb: number; maxMemoryUsedMb: number; initDurationMs?: number; startType: string; outcome: string; requestBytes: number; responseBytes: number; cost: number;
}
interface Cost { requests: number; billedMs: number; gbSeconds: number; requestCost: number; computeCost: number; totalCost: number }
interface Usage { since: string; until: string; currency: string; rows: (Cost & { key: string })[]; total: Cost }

const close = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12 + Math.abs(b) * 1e-9, `${what}: ${a} != ${b}`);

describe('metering', () => {
  let server: RunningServer;
  const get = async <T>(path: string): Promise<{ status: number; body: T; type: string | null }> => {
    const res = await fetch(`${server.url}/nimbus/v1${path}`);
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: (res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as T };
  };
  const invocations = async (query = ''): Promise<Invocation[]> => (await get<{ invocations: Invocation[] }>(`/invocations?limit=1000${query}`)).body.invocations;

  before(async () => {
    server = await startServer();
    const lambda = server.lambda();
    await deploy(lambda, 'meter-x86', { 'index.js': HANDLER }, { memorySize: 256 });
    await lambda.send(new CreateFunctionCommand({
      FunctionName: 'meter-arm', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/test', Handler: 'index.handler',
      Code: { ZipFile: await makeZip({ 'index.js': HANDLER }) }, Architectures: ['arm64'], MemorySize: 128,
    }));
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: 'meter-arm' });
    for (const text of ['one', 'two', 'three']) await invoke(lambda, 'meter-x86', { text });
    await invoke(lambda, 'meter-arm', { text: 'arm' });
    await invoke(lambda, 'meter-arm', { fail: true });
    await deploy(lambda, 'meter-off', { 'index.js': HANDLER });
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'meter-off', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(invoke(lambda, 'meter-off'), TooManyRequestsException);
  });
  after(() => server?.dispose());

  test('one usage record per invocation, newest first, with what Lambda reports', async () => {
    const all = await invocations();
    assert.deepEqual(all.map((i) => [i.function, i.outcome]), [
      ['meter-off', 'throttled'], ['meter-arm', 'function-error'], ['meter-arm', 'success'], ['meter-x86', 'success'], ['meter-x86', 'success'], ['meter-x86', 'success'],
    ]);
    const x86 = all.filter((i) => i.function === 'meter-x86').reverse();
    assert.deepEqual(x86.map((i) => i.startType), ['cold', 'warm', 'warm']);
    const [cold, warm] = x86 as [Invocation, Invocation];
    assert.ok(cold.initDurationMs !== undefined && cold.initDurationMs > 0);
    assert.equal(warm.initDurationMs, undefined);
    // Billed: 1 ms steps, rounded up, INIT included on the cold start.
    assert.equal(cold.billedMs, Math.max(1, Math.ceil(cold.durationMs + cold.initDurationMs)));
    assert.equal(warm.billedMs, Math.max(1, Math.ceil(warm.durationMs)));
    assert.equal(cold.version, '$LATEST');
    assert.equal(cold.trigger, 'sync');
    assert.equal(cold.memoryMb, 256);
    assert.ok(cold.maxMemoryUsedMb > 0);
    assert.equal(cold.requestBytes, Buffer.byteLength(JSON.stringify({ text: 'one' })));
    assert.equal(cold.responseBytes, Buffer.byteLength(JSON.stringify({ echo: 'one' })));
    assert.ok(!Number.isNaN(Date.parse(cold.start)));
    close(cold.cost, 0.2 / 1e6 + (cold.billedMs / 1000) * (256 / 1024) * GB_S_X86, 'cost of one call');
    const throttled = all[0] as Invocation;
    assert.deepEqual([throttled.billedMs, throttled.cost], [0, 0]);
  });

  test('the invocation list pages with a cursor and filters by function', async () => {
    const first = await get<{ invocations: Invocation[]; next?: string }>('/invocations?limit=4');
    assert.equal(first.body.invocations.length, 4);
    assert.ok(first.body.next);
    const rest = await get<{ invocations: Invocation[]; next?: string }>(`/invocations?limit=4&before=${first.body.next}`);
    assert.equal(rest.body.invocations.length, 2);
    assert.equal(rest.body.next, undefined);
    assert.deepEqual([...first.body.invocations, ...rest.body.invocations].map((i) => i.requestId), (await invocations()).map((i) => i.requestId));
    assert.deepEqual((await invocations('&function=meter-arm')).map((i) => i.function), ['meter-arm', 'meter-arm']);
  });

  test('the cost report sums the records and matches a hand computation', async () => {
    const records = (await invocations()).filter((i) => i.outcome !== 'throttled');
    const { status, body } = await get<Usage>('/usage');
    assert.equal(status, 200);
    assert.equal(body.currency, 'USD');
    assert.ok(Date.parse(body.until) - Date.parse(body.since) === 86_400_000);
    assert.deepEqual(body.rows.map((r) => [r.key, r.requests]), [['meter-arm', 2], ['meter-x86', 3]]);
    for (const row of body.rows) {
      const mine = records.filter((i) => i.function === row.key);
      const price = row.key === 'meter-arm' ? GB_S_ARM : GB_S_X86;
      const billedMs = mine.reduce((s, i) => s + i.billedMs, 0);
      const gbSeconds = mine.reduce((s, i) => s + (i.billedMs / 1000) * (i.memoryMb / 1024), 0);
      assert.equal(row.billedMs, billedMs);
      close(row.gbSeconds, gbSeconds, `${row.key} GB-s`);
      close(row.requestCost, (mine.length * 0.2) / 1e6, `${row.key} request cost`);
      close(row.computeCost, gbSeconds * price, `${row.key} compute cost`);
      close(row.totalCost, mine.reduce((s, i) => s + i.cost, 0), `${row.key} total = Σ invocation costs`);
    }
    assert.equal(body.total.requests, records.length);
    assert.equal(body.total.billedMs, records.reduce((s, i) => s + i.billedMs, 0));
    close(body.total.totalCost, records.reduce((s, i) => s + i.cost, 0), 'total');

    const hourly = await get<Usage>('/usage?by=hour&function=meter-x86');
    assert.equal(hourly.body.rows.reduce((s, r) => s + r.requests, 0), 3);
    assert.match(hourly.body.rows[0]?.key ?? '', /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
    const future = await get<Usage>(`/usage?since=${Date.now() + 3_600_000}&until=${Date.now() + 7_200_000}`);
    assert.deepEqual([future.body.rows, future.body.total.requests], [[], 0]);
  });

  test('CSV export: a header and the same rows', async () => {
    const { status, body, type } = await get<string>('/usage?format=csv&by=function');
    assert.equal(status, 200);
    assert.match(type ?? '', /^text\/csv/);
    const rows = parseCsv<Cost & { key: string }>(body, { columns: true, cast: true });
    const json = (await get<Usage>('/usage')).body.rows;
    assert.deepEqual(rows, json);
  });

  test('series: invocations, errors, throttles and cold starts per step', async () => {
    const { status, body } = await get<{ step: number; points: { t: number; invocations: number; errors: number; throttles: number; coldStarts: number; p50Ms: number | null; maxConcurrency: number; cost: number }[] }>('/series?since=1h&step=600');
    assert.equal(status, 200);
    assert.equal(body.step, 600);
    assert.equal(body.points.length, 6);
    const sum = (f: (p: (typeof body.points)[number]) => number): number => body.points.reduce((s, p) => s + f(p), 0);
    assert.deepEqual([sum((p) => p.invocations), sum((p) => p.errors), sum((p) => p.throttles), sum((p) => p.coldStarts)], [5, 1, 1, 2]);
    assert.ok(body.points.some((p) => p.p50Ms !== null && p.maxConcurrency >= 1));
    const x86 = await get<typeof body>('/series?since=1h&step=3600&function=meter-x86');
    assert.deepEqual(x86.body.points.map((p) => p.invocations), [3]);
  });

  test('bad parameters get the admin error shape', async () => {
    for (const [query, field] of [['by=week', 'by'], ['since=yesterday', 'since'], ['format=xml', 'format'], ['function=a%20b', 'function']]) {
      const res = await fetch(`${server.url}/nimbus/v1/usage?${query}`);
      assert.equal(res.status, 400, query);
      assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
      assert.match(((await res.json()) as { message: string }).message, new RegExp(`^${field}:`));
    }
    assert.equal((await fetch(`${server.url}/nimbus/v1/usage?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z`)).status, 400);
    assert.equal((await fetch(`${server.url}/nimbus/v1/series?since=30d&step=1`)).status, 400);
    assert.equal((await fetch(`${server.url}/nimbus/v1/invocations?before=abc`)).status, 400);
    assert.equal((await fetch(`${server.url}/nimbus/v1/invocations?limit=0`)).status, 400);
  });

  test('nimbus usage prints the report as a table, CSV or JSON', async () => {
    const env = { NIMBUS_ENDPOINT: server.url };
    const text = await nimbus(['usage', '--since', '1h'], env);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^FUNCTION\s+REQUESTS\s+BILLED-MS\s+GB-S\s+REQUEST-COST\s+COMPUTE-COST\s+TOTAL-COST$/m);
    assert.match(text.stdout, /^meter-x86\s+3\s+\d+/m);
    assert.match(text.stdout, /^TOTAL\s+5\s+/m);
    const csv = await nimbus(['usage', '--csv', '--by', 'day'], env);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout.split('\n')[0], 'key,requests,billedMs,gbSeconds,requestCost,computeCost,totalCost');
    const json = await nimbus(['usage', '--json', '--function', 'meter-arm'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as Usage).total.requests, 2);
    const bad = await nimbus(['usage', '--by', 'week'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--by must be one of function, day, hour/);
    const badSince = await nimbus(['usage', '--since', 'soon'], env);
    assert.equal(badSince.code, 1);
    assert.match(badSince.stderr, /InvalidParameterValueException: since:/);
  });
});
