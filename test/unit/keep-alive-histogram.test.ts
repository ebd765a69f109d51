// The idle-time histogram and the hybrid histogram policy's windows (Shahrad et al.,
// ATC'20), on hand-made idle times whose percentiles and spread are known.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HybridHistogramKeepAlive } from '../../src/runtime/keep-alive/hybrid-histogram.js';
import { BIN_MS, IdleTimeHistogram, RANGE_BINS } from '../../src/runtime/keep-alive/idle-histogram.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FN = '000000000000/us-east-1/fn';

function histogramOf(idleTimesMs: readonly number[]): IdleTimeHistogram {
  const h = new IdleTimeHistogram();
  for (const t of idleTimesMs) h.add(t);
  return h;
}

/** Feeds the policy calls separated by the given idle times (each call lasting 1 s). */
function learn(policy: HybridHistogramKeepAlive, idleTimesMs: readonly number[], fn = FN): number {
  let now = 0;
  policy.invocationStarted(fn, now);
  policy.invocationEnded(fn, (now += 1000));
  for (const idle of idleTimesMs) {
    policy.invocationStarted(fn, (now += idle));
    policy.invocationEnded(fn, (now += 1000));
  }
  return now;
}

test('an empty histogram has no percentiles and no spread', () => {
  const h = new IdleTimeHistogram();
  assert.equal(h.percentileBin(5), undefined);
  assert.equal(h.percentileBin(99), undefined);
  assert.equal(h.binCountCv(), 0);
  assert.equal(h.inRange + h.outOfBounds, 0);
});

test('bins are whole minutes from 0 to 4 hours; longer idle times are out of bounds', () => {
  const h = histogramOf([0, BIN_MS - 1, -5]);
  assert.equal(h.percentileBin(100), 0, '0 ms, 59.999 s and a negative (clock) difference are all in the first bin');
  h.add(BIN_MS);
  assert.equal(h.percentileBin(100), 1, 'exactly one minute opens the second bin');
  h.add(RANGE_BINS * BIN_MS - 1);
  assert.equal(h.percentileBin(100), RANGE_BINS - 1);
  h.add(4 * HOUR);
  h.add(30 * HOUR);
  assert.deepEqual([h.inRange, h.outOfBounds], [5, 2]);
  assert.equal(h.percentileBin(100), RANGE_BINS - 1, 'out-of-bounds idle times take no part in the percentiles');
});

test('percentiles are the first bin where the running count reaches p % of the samples', () => {
  const h = histogramOf([...Array<number>(5).fill(2.5 * MINUTE), ...Array<number>(94).fill(10 * MINUTE), 30 * MINUTE]);
  assert.equal(h.percentileBin(5), 2);
  assert.equal(h.percentileBin(6), 10);
  assert.equal(h.percentileBin(99), 10);
  assert.equal(h.percentileBin(100), 30);
  assert.equal(histogramOf([7 * MINUTE]).percentileBin(5), 7, 'one sample is every percentile');
});

test('the coefficient of variation is high for idle times in one bin and 0 for evenly spread ones', () => {
  assert.equal(histogramOf(Array<number>(50).fill(3 * MINUTE)).binCountCv().toFixed(6), Math.sqrt(RANGE_BINS - 1).toFixed(6));
  assert.equal(histogramOf(Array.from({ length: RANGE_BINS }, (_, bin) => bin * BIN_MS)).binCountCv(), 0);
});

test('the policy keeps the fixed keep-alive while it has fewer idle times than it needs', () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: 10 * MINUTE, minSamples: 5 });
  assert.deepEqual(policy.decideIdle(FN), { kind: 'keep', keepAliveMs: 10 * MINUTE }, 'a function never seen');
  learn(policy, Array<number>(4).fill(30 * MINUTE));
  assert.equal(policy.explain(FN).mode, 'learning');
  assert.deepEqual(policy.decideIdle(FN), { kind: 'keep', keepAliveMs: 10 * MINUTE });
});

test('a regular period gives the paper\'s windows: pre-warm at the head less 10 %, keep to the tail plus 10 %', () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: 10 * MINUTE });
  learn(policy, Array<number>(5).fill(30 * MINUTE - 1000)); // every 30 minutes, 1 s calls: bin 29
  const prewarmMs = 29 * MINUTE * 0.9;
  assert.deepEqual(policy.explain(FN), { mode: 'histogram', prewarmMs, keepAliveMs: 30 * MINUTE * 1.1 - prewarmMs });
  assert.deepEqual(policy.decideIdle(FN), { kind: 'prewarm', prewarmInMs: prewarmMs, keepAliveMs: 30 * MINUTE * 1.1 - prewarmMs });
});

test('idle times under a minute mean no pre-warm: the instance stays loaded until the tail', () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: 10 * MINUTE });
  learn(policy, [5000, 8000, 20_000, 12_000, 3000, 45_000]);
  assert.deepEqual(policy.decideIdle(FN), { kind: 'keep', keepAliveMs: 1 * MINUTE * 1.1 });
});

test('idle times spread evenly over the range are not representative: the fixed keep-alive applies', () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: 10 * MINUTE });
  learn(policy, Array.from({ length: RANGE_BINS }, (_, bin) => bin * BIN_MS + 30_000));
  assert.equal(policy.explain(FN).mode, 'not-representative');
  assert.deepEqual(policy.decideIdle(FN), { kind: 'keep', keepAliveMs: 10 * MINUTE });
});

test('mostly out-of-bounds idle times: pre-warm 15 % before the last one recurs, keep 15 % past it', () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: 10 * MINUTE });
  learn(policy, [6 * HOUR, 2 * MINUTE, 7 * HOUR, 5 * HOUR, 3 * MINUTE]);
  assert.deepEqual(policy.explain(FN), { mode: 'forecast', prewarmMs: 5 * HOUR * 0.85, keepAliveMs: 5 * HOUR * 0.3 });
  learn(policy, [1 * MINUTE, 5 * HOUR, 2 * MINUTE, 3 * MINUTE, 4 * MINUTE], 'third');
  assert.equal(policy.explain('third').mode, 'histogram', 'one idle time in five beyond the range is not "mostly"');
});

test('only calls that find the function idle add an idle time, and an instance freed while others run keeps the fixed keep-alive', () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: 10 * MINUTE });
  let now = learn(policy, Array<number>(5).fill(30 * MINUTE - 1000));
  policy.invocationStarted(FN, (now += 30 * MINUTE - 1000));
  policy.invocationStarted(FN, (now += 500)); // concurrent: no idle time
  policy.invocationEnded(FN, (now += 1000));
  assert.deepEqual(policy.decideIdle(FN), { kind: 'keep', keepAliveMs: 10 * MINUTE }, 'the other call still runs');
  policy.invocationEnded(FN, (now += 1000));
  assert.equal(policy.decideIdle(FN).kind, 'prewarm', 'the last instance to fall idle follows the histogram');
  assert.equal(policy.explain(FN).mode, 'histogram');
  policy.forget(FN);
  assert.equal(policy.explain(FN).mode, 'learning', 'a deleted function starts over');
});
