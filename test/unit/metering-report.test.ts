// Cost reports and series over a real SQLite store: grouping by function, day and hour,
// the monthly free tier, throttled calls (counted, never billed) and peak concurrency.
import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';
import { LAMBDA_PRICES } from '../../src/metering/prices.js';
import { usageSeries } from '../../src/metering/series.js';
import { usageReport } from '../../src/metering/usage-report.js';
import type { UsageRecord } from '../../src/store/usage-ports.js';
import { useTempStore } from '../helpers/temp-store.js';

const SCOPE = { account: '000000000000', region: 'us-east-1' };
const T0 = Date.UTC(2026, 2, 31, 22, 0, 0); // two hours before a month ends
const HOUR = 3_600_000;

function record(fn: string, startedAt: number, billedMs: number, extra: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ...SCOPE, function: fn, requestId: `${fn}-${startedAt}`, version: '$LATEST', qualifier: undefined, trigger: 'sync', architecture: 'x86_64',
    startedAt, durationMs: billedMs - 0.5, billedMs, memoryMb: 1024, maxMemoryUsedMb: 60, initDurationMs: undefined, startType: 'warm',
    outcome: 'success', requestBytes: 2, responseBytes: 2, ...extra,
  };
}

describe('usage reports', () => {
  const temp = useTempStore();
  before(async () => {
    await temp.store.usage.append([
      record('a', T0, 1000),
      record('a', T0 + 500, 1000, { startType: 'cold', initDurationMs: 100 }),
      record('b', T0 + HOUR + 10, 2000, { architecture: 'arm64', outcome: 'function-error' }),
      record('b', T0 + HOUR + 20, 0, { outcome: 'throttled' }),
      record('a', T0 + 2 * HOUR + 5, 500), // the next month
    ]);
  });
  const range = { ...SCOPE, since: T0, until: T0 + 3 * HOUR };

  test('by function: requests, billed ms, GB-s and cost; throttled calls are not billed', async () => {
    const report = await usageReport(temp.store.usage, LAMBDA_PRICES, range, 'function');
    assert.deepEqual(report.rows.map((r) => [r.key, r.requests, r.billedMs, r.gbSeconds]), [['a', 3, 2500, 2.5], ['b', 1, 2000, 2]]);
    const b = report.rows[1];
    assert.ok(b && Math.abs(b.computeCost - 2 * 0.0000133334) < 1e-15);
    assert.equal(report.total.requests, 4);
    assert.ok(Math.abs(report.total.totalCost - report.rows.reduce((s, r) => s + r.totalCost, 0)) < 1e-15);
  });

  test('by hour and day: keys are the UTC period starts', async () => {
    const hours = await usageReport(temp.store.usage, LAMBDA_PRICES, range, 'hour');
    assert.deepEqual(hours.rows.map((r) => [r.key, r.requests]), [['2026-03-31T22:00:00.000Z', 2], ['2026-03-31T23:00:00.000Z', 1], ['2026-04-01T00:00:00.000Z', 1]]);
    const days = await usageReport(temp.store.usage, LAMBDA_PRICES, range, 'day');
    assert.deepEqual(days.rows.map((r) => [r.key, r.requests]), [['2026-03-31T00:00:00.000Z', 3], ['2026-04-01T00:00:00.000Z', 1]]);
    const one = await usageReport(temp.store.usage, LAMBDA_PRICES, { ...range, function: 'b' }, 'function');
    assert.deepEqual(one.rows.map((r) => r.key), ['b']);
  });

  test('the free tier makes small usage free and is off by default', async () => {
    const gross = await usageReport(temp.store.usage, LAMBDA_PRICES, range, 'function');
    assert.equal(gross.total.freeTier, undefined);
    assert.ok(gross.total.totalCost > 0);
    const free = await usageReport(temp.store.usage, { ...LAMBDA_PRICES, freeTier: true }, range, 'function');
    assert.equal(free.total.totalCost, 0);
    assert.deepEqual(free.total.freeTier, { requests: 4, gbSeconds: 4.5 });
    assert.deepEqual(free.rows, gross.rows);
  });

  test('series: counts per step, percentiles, throttles, cold starts and peak concurrency', async () => {
    const points = await usageSeries(temp.store.usage, LAMBDA_PRICES, { ...SCOPE, since: T0, until: T0 + 2 * HOUR }, HOUR);
    assert.equal(points.length, 2);
    const [first, second] = points;
    assert.deepEqual(first && [first.t, first.invocations, first.errors, first.throttles, first.coldStarts, first.maxConcurrency], [T0, 2, 0, 0, 1, 2]);
    assert.equal(first?.p50Ms, 999.5);
    assert.deepEqual(second && [second.invocations, second.errors, second.throttles, second.coldStarts, second.maxConcurrency], [1, 1, 1, 0, 1]);
    assert.ok(second && Math.abs(second.cost - (0.2 / 1e6 + 2 * 0.0000133334)) < 1e-15);
  });
});
