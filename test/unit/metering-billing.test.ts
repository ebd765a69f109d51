// Lambda's billing arithmetic on known durations: 1 ms granularity rounded up (INIT
// included on cold starts), GB-s = billed ms / 1000 × MB / 1024, and the published prices.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { billedDuration } from '../../src/logs/platform-lines.js';
import { costOf, gbSeconds, LAMBDA_PRICES } from '../../src/metering/prices.js';
import { percentile } from '../../src/metering/series.js';

test('billed duration is the duration rounded up to the next millisecond, at least 1 ms', () => {
  assert.equal(billedDuration(0.2), 1);
  assert.equal(billedDuration(1), 1);
  assert.equal(billedDuration(1.01), 2);
  assert.equal(billedDuration(3.01), 4); // the REPORT example in lambda-reference §5.1
  assert.equal(billedDuration(99.99), 100);
  assert.equal(billedDuration(2999.0001), 3000);
  // A cold start bills INIT and the handler together (since 2025-08-01): 3.01 + 110.10 ms.
  assert.equal(billedDuration(3.01 + 110.1), 114);
});

test('GB-seconds follow memory in MB / 1024 and billed seconds', () => {
  assert.equal(gbSeconds(1000, 1024), 1);
  assert.equal(gbSeconds(1000, 128), 0.125);
  assert.equal(gbSeconds(4, 128), 0.0005);
  assert.equal(gbSeconds(100, 10240), 1);
});

test('cost uses the price per request and the GB-s price of the architecture', () => {
  // AWS's pricing example: 3M requests of 120 ms at 1536 MB on x86 = 540,000 GB-s (before free tier).
  const x86 = costOf(LAMBDA_PRICES, 'x86_64', 3_000_000, 3_000_000 * 120, 3_000_000 * 120 * 1536);
  assert.equal(x86.gbSeconds, 540_000);
  assert.ok(Math.abs(x86.requestCost - 0.6) < 1e-12);
  assert.ok(Math.abs(x86.computeCost - 540_000 * 0.0000166667) < 1e-9);
  assert.ok(Math.abs(x86.totalCost - (x86.requestCost + x86.computeCost)) < 1e-12);
  const arm = costOf(LAMBDA_PRICES, 'arm64', 1, 1000, 1000 * 1024);
  assert.equal(arm.computeCost, 0.0000133334);
  const forced = costOf({ ...LAMBDA_PRICES, fixedArchitecture: 'x86_64' }, 'arm64', 1, 1000, 1000 * 1024);
  assert.equal(forced.computeCost, 0.0000166667);
});

test('percentiles are nearest-rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 0.5), 50);
  assert.equal(percentile(values, 0.99), 99);
  assert.equal(percentile([7], 0.99), 7);
  assert.equal(percentile([], 0.5), null);
});
