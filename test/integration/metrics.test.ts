// GET /metrics on a real `nimbus serve`: Prometheus text exposition that a Prometheus
// text parser reads, OpenTelemetry FaaS names, and counters that move with invocations.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutFunctionConcurrencyCommand, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { deploy, invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

interface Sample { labels?: Record<string, string>; value?: string }
interface Family { name: string; help: string; type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'; metrics: Sample[] }
// The parser ships CommonJS without type declarations. It checks the whole exposition and
// reads counters and gauges; it folds labelled histogram series away, so those are read
// from the text lines below.
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const HANDLER = `exports.handler = async (event) => { if (event.fail) throw new Error('no'); return 'ok'; };\n`;

describe('/metrics', () => {
  let server: RunningServer;
  let text = '';
  const scrape = async (): Promise<Map<string, Family>> => {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    text = await res.text();
    return new Map(parsePrometheus(text).map((f) => [f.name, f]));
  };
  /** `<histogram>_count` or `_sum` of the metrics-fn sync series in the last scrape. */
  const histogram = (name: string): number => Number(new RegExp(`^${name}\\{function="metrics-fn",trigger="sync"\\} (\\S+)$`, 'm').exec(text)?.[1]);
  const sample = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}): Sample | undefined =>
    families.get(name)?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  const value = (families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number => Number(sample(families, name, labels)?.value ?? 0);

  before(async () => {
    server = await startServer({ args: ['--pool-size', '1'] });
    await deploy(server.lambda(), 'metrics-fn', { 'index.js': HANDLER });
  });
  after(() => server?.dispose());

  test('the exposition parses and names the FaaS and platform metrics', async () => {
    const families = await scrape();
    for (const [name, type] of [
      ['faas_invocations_total', 'COUNTER'], ['faas_errors_total', 'COUNTER'], ['faas_timeouts_total', 'COUNTER'], ['faas_coldstarts_total', 'COUNTER'],
      ['nimbus_throttles_total', 'COUNTER'], ['faas_invoke_duration_seconds', 'HISTOGRAM'], ['faas_init_duration_seconds', 'HISTOGRAM'],
      ['faas_mem_usage_bytes', 'HISTOGRAM'], ['nimbus_concurrent_executions', 'GAUGE'], ['nimbus_instances', 'GAUGE'], ['nimbus_reserve_pool_size', 'GAUGE'],
      ['nimbus_async_queue_depth', 'GAUGE'], ['nimbus_async_queue_oldest_age_seconds', 'GAUGE'],
    ] as const) {
      assert.equal(families.get(name)?.type, type, name);
    }
    assert.equal(value(families, 'nimbus_reserve_pool_size'), 1);
  });

  test('counters and histograms move as invocations happen', async () => {
    const lambda = server.lambda();
    const fn = { function: 'metrics-fn', trigger: 'sync' };
    const before = await scrape();
    const invocations0 = value(before, 'faas_invocations_total', fn);
    await invoke(lambda, 'metrics-fn');
    await invoke(lambda, 'metrics-fn');
    await invoke(lambda, 'metrics-fn', { fail: true });
    const after1 = await scrape();
    assert.equal(value(after1, 'faas_invocations_total', fn), invocations0 + 3);
    assert.equal(value(after1, 'faas_errors_total', fn), value(before, 'faas_errors_total', fn) + 1);
    assert.ok(value(after1, 'faas_coldstarts_total', fn) >= 1);
    assert.equal(histogram('faas_invoke_duration_seconds_count'), invocations0 + 3);
    assert.ok(histogram('faas_init_duration_seconds_count') >= 1);
    assert.ok(histogram('faas_mem_usage_bytes_sum') > 0);
    // The instance stays warm after the calls.
    assert.ok(value(after1, 'nimbus_instances', { function: 'metrics-fn', state: 'idle' }) >= 1);

    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'metrics-fn', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(invoke(lambda, 'metrics-fn'), TooManyRequestsException);
    const after2 = await scrape();
    assert.equal(value(after2, 'nimbus_throttles_total', fn), 1);
    assert.equal(value(after2, 'faas_invocations_total', fn), invocations0 + 3);
  });

  test('an async event counts in the queue depth until it is settled', async () => {
    await deploy(server.lambda(), 'metrics-slow', { 'index.js': 'exports.handler = () => new Promise((r) => setTimeout(r, 1500));\n' });
    const res = await fetch(`${server.url}/2015-03-31/functions/metrics-slow/invocations`, {
      method: 'POST', headers: { 'x-amz-invocation-type': 'Event' }, body: '{}',
    });
    assert.equal(res.status, 202);
    const waiting = await scrape(); // queued or running for 1.5 s: not settled yet
    assert.equal(value(waiting, 'nimbus_async_queue_depth'), 1);
    assert.ok(value(waiting, 'nimbus_async_queue_oldest_age_seconds') < 60);
    const deadline = Date.now() + 15_000;
    while (value(await scrape(), 'nimbus_async_queue_depth') !== 0 && Date.now() < deadline) await sleep(100);
    const settled = await scrape();
    assert.equal(value(settled, 'nimbus_async_queue_depth'), 0);
    assert.equal(value(settled, 'nimbus_async_queue_oldest_age_seconds'), 0);
    assert.equal(value(settled, 'faas_invocations_total', { function: 'metrics-slow', trigger: 'async' }), 1);
  });
});
