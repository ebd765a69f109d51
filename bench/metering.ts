// What metering adds to each invocation on the hot path: the invocation event's
// subscribers (usage record into the buffer, prom-client counters and histograms), timed
// per published record, plus the batched store write per record. Compare with the c=1
// invoke latency in RESULTS.md. Run: `npx tsc -b && node dist/bench/metering.js`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInvocationEvents, type InvocationRecord } from '../src/invoke/invocation-events.js';
import { createPlatformMetrics } from '../src/metering/metrics.js';
import { startUsageRecorder } from '../src/metering/usage-recorder.js';
import { createSqliteStore } from '../src/store/sqlite/index.js';

const N = Number(process.env.BENCH_RECORDS ?? 200_000);

function record(i: number): InvocationRecord {
  return {
    key: { account: '000000000000', region: 'us-east-1', name: `fn-${i % 20}` }, version: '$LATEST', qualifier: undefined, architecture: 'x86_64',
    requestId: `req-${i}`, trigger: 'sync', logGroup: '/aws/lambda/fn', logStream: 's', startedAt: Date.now(), durationMs: 1.3, billedDurationMs: 2,
    memorySizeMb: 128, maxMemoryUsedMb: 40, initDurationMs: i % 100 === 0 ? 90 : undefined, startType: i % 100 === 0 ? 'cold' : 'warm',
    outcome: 'success', requestBytes: 20, responseBytes: 30, lines: [],
  };
}

export async function meteringBench(): Promise<{ publishUs: number; storeUs: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-bench-metering-'));
  const store = createSqliteStore(path.join(dir, 'nimbus.db'));
  const invocations = createInvocationEvents();
  const recorder = startUsageRecorder({ usage: store.usage, invocations, clock: Date.now, retentionDays: 0, onError: (err) => console.error(err), flushIntervalMs: 3_600_000, maxBuffered: N + 1 });
  const metrics = createPlatformMetrics({
    invocations, clock: Date.now, instances: () => [], inFlight: () => 0, reservePool: () => undefined,
    backlog: () => Promise.resolve({ asyncDepth: 0, asyncOldestAt: undefined, queues: [] }),
  });
  const records = Array.from({ length: N }, (_, i) => record(i));
  const t0 = performance.now();
  for (const r of records) invocations.publish(r);
  const t1 = performance.now();
  await recorder.flush();
  const t2 = performance.now();
  metrics.dispose();
  await recorder.dispose();
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return { publishUs: ((t1 - t0) * 1000) / N, storeUs: ((t2 - t1) * 1000) / N };
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) {
  const result = await meteringBench();
  console.log(`metering per invocation: ${result.publishUs.toFixed(2)} µs on the invoke path (subscribers), ${result.storeUs.toFixed(2)} µs batched store write off it`);
}
