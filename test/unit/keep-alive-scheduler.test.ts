// The real Scheduler with each keep-alive policy, in virtual time (the replay's clock and
// simulated instances): what a caller sees is whether a call found a warm instance, and what
// the operator pays is how long instances sat idle. A function called every 30 minutes gets
// pre-warmed once learned; an irregular one is let go after the fixed keep-alive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { FixedKeepAlive } from '../../src/runtime/keep-alive/fixed.js';
import { HybridHistogramKeepAlive } from '../../src/runtime/keep-alive/hybrid-histogram.js';
import { PerFunctionKeepAlive, TaggedPolicyChoice, KEEP_ALIVE_TAG } from '../../src/runtime/keep-alive/per-function.js';
import type { KeepAlivePolicy } from '../../src/runtime/keep-alive/policy.js';
import type { FunctionSpec } from '../../src/runtime/execution-types.js';
import { ReplayMeter, SimulatedInstanceFactory, type SimulatedInstance } from '../../src/runtime/replay/simulated-instances.js';
import { VirtualTime } from '../../src/runtime/replay/virtual-time.js';
import { Scheduler } from '../../src/runtime/scheduler.js';

const MINUTE = 60_000;
const KEEP_ALIVE = 10 * MINUTE;
const MEMORY_MB = 1024;

const spec = (name: string): FunctionSpec => ({
  account: '000000000000', region: 'us-east-1', name, version: '$LATEST', specKey: name, handler: 'index.handler', runtime: 'nodejs20.x',
  codeDir: '', memoryMb: MEMORY_MB, timeoutSec: 900, ephemeralStorageMb: 512, environment: {}, logGroup: '', logFormat: 'Text',
});

/** A scheduler in virtual time with the given policy; calls run for `durationMs` on simulated instances. */
function rig(keepAlive: KeepAlivePolicy) {
  const time = new VirtualTime(0);
  const meter = new ReplayMeter(Number.POSITIVE_INFINITY);
  const scheduler = new Scheduler({
    factory: new SimulatedInstanceFactory(time, meter, 100), clock: time.clock, timers: time, keepAlive, keepAliveMs: KEEP_ALIVE,
    accountConcurrency: 100, memoryBudgetMb: 1_000_000, onError: (err) => assert.fail(String(err)),
  });
  const instances = (name = 'fn') => scheduler.snapshot().find((s) => s.functionId.endsWith(`/${name}`)) ?? { live: 0, idle: 0, starting: 0 };
  return {
    time, meter, scheduler, instances,
    /** Runs one call at `atMs` to its end; true when it had to wait for a cold start. */
    async call(atMs: number, name = 'fn', durationMs = 1000): Promise<boolean> {
      await time.advanceTo(atMs);
      const cold = meter.coldStarts;
      let done = false;
      const fn = spec(name);
      const running = scheduler.run(fn, { functionId: `${fn.account}/${fn.region}/${name}`, reservedConcurrency: undefined }, (i) => (i as SimulatedInstance).serve(durationMs, 0));
      void running.then(() => (done = true));
      while (!done) await time.advanceTo(time.now() + 50);
      return meter.coldStarts > cold;
    },
  };
}

test('adaptive: a function called every 30 minutes is unloaded between calls and pre-warmed before each, once learned', async () => {
  const r = rig(new HybridHistogramKeepAlive({ fallbackKeepAliveMs: KEEP_ALIVE }));
  const period = 30 * MINUTE;
  const cold: boolean[] = [];
  for (let k = 0; k < 6; k++) cold.push(await r.call(k * period));
  assert.deepEqual(cold, [true, true, true, true, true, true], 'learning: the fixed 10 minutes do not bridge 30');
  const idleBefore = r.meter.idleMbMs;
  for (let k = 6; k < 16; k++) {
    await r.time.advanceTo(k * period - 15 * MINUTE);
    assert.equal(r.instances().live, 0, `nothing is kept between calls ${k - 1} and ${k}`);
    await r.time.advanceTo(k * period - 1000);
    assert.equal(r.instances().idle, 1, `an instance is pre-warmed before call ${k}`);
    assert.equal(await r.call(k * period), false, `call ${k} is warm`);
  }
  const idleMinutesPerPeriod = (r.meter.idleMbMs - idleBefore) / MEMORY_MB / MINUTE / 10;
  assert.ok(idleMinutesPerPeriod < 5, `idle ${idleMinutesPerPeriod.toFixed(1)} min per call, against the fixed policy's 10 (and a cold start each time)`);
  await r.scheduler.dispose();
});

test('fixed: the same function is cold every time and idle 10 minutes after each call', async () => {
  const r = rig(new FixedKeepAlive(KEEP_ALIVE));
  const cold: boolean[] = [];
  for (let k = 0; k < 8; k++) cold.push(await r.call(k * 30 * MINUTE));
  assert.deepEqual(cold, Array<boolean>(8).fill(true));
  const idleMinutes = r.meter.idleMbMs / MEMORY_MB / MINUTE;
  assert.ok(idleMinutes >= 70 && idleMinutes < 71, `7 full keep-alives so far (the reaper looks once a second): ${idleMinutes}`);
  await r.scheduler.dispose();
});

test('adaptive: an irregular function is let go after the fixed keep-alive, and never pre-warmed', async () => {
  const policy = new HybridHistogramKeepAlive({ fallbackKeepAliveMs: KEEP_ALIVE });
  const r = rig(policy);
  const rng = xoroshiro128plus(7);
  let at = 0;
  for (let k = 0; k < 120; k++) {
    await r.call(at);
    at += 1000 + uniformFloat64(rng) * 120 * MINUTE; // idle times spread over two hours
  }
  assert.equal(policy.explain('000000000000/us-east-1/fn').mode, 'not-representative');
  const starts = r.meter.instanceStarts;
  const end = r.time.now();
  await r.time.advanceTo(end + KEEP_ALIVE - 1000);
  assert.equal(r.instances().idle, 1, 'kept for the fixed keep-alive');
  await r.time.advanceTo(end + KEEP_ALIVE + 1000);
  assert.equal(r.instances().live, 0, 'then let go');
  await r.time.advanceTo(end + 5 * 60 * MINUTE);
  assert.equal(r.meter.instanceStarts, starts, 'no pre-warm while it is unsure');
  assert.equal(await r.call(r.time.now()), true);
  await r.scheduler.dispose();
});

test('per function: the tag nimbus:keep-alive picks the policy, others follow the platform default', async () => {
  const tags = new Map<string, Record<string, string>>([['regular', { [KEEP_ALIVE_TAG]: 'adaptive' }], ['plain', {}], ['typo', { [KEEP_ALIVE_TAG]: 'smart' }]]);
  const logged: string[] = [];
  const time = { now: 0 };
  const choice = new TaggedPolicyChoice({ fallback: 'fixed', readTags: ({ name }) => Promise.resolve(tags.get(name)), clock: () => time.now, refreshMs: 5000, log: (l) => logged.push(l) });
  const policy = new PerFunctionKeepAlive({ fixed: new FixedKeepAlive(KEEP_ALIVE), adaptive: new HybridHistogramKeepAlive({ fallbackKeepAliveMs: KEEP_ALIVE }) }, choice);
  const r = rig(policy);
  const cold: Record<string, boolean[]> = { regular: [], plain: [], typo: [] };
  for (let k = 0; k < 10; k++) {
    for (const name of ['regular', 'plain', 'typo']) cold[name]?.push(await r.call(k * 30 * MINUTE, name));
  }
  assert.deepEqual(cold.regular?.slice(6), [false, false, false, false], 'tagged adaptive: pre-warmed once learned');
  assert.deepEqual(cold.plain, Array<boolean>(10).fill(true), 'untagged: the fixed default');
  assert.deepEqual(cold.typo, Array<boolean>(10).fill(true), 'an unknown value: the default');
  assert.equal(logged.length, 1, 'the bad value is reported once');
  assert.match(logged[0] ?? '', /function typo: tag nimbus:keep-alive="smart" is neither fixed nor adaptive/);

  // A changed tag is read again after the refresh interval: no restart needed.
  tags.set('plain', { [KEEP_ALIVE_TAG]: 'adaptive' });
  time.now = 60_000;
  choice.choose('000000000000/us-east-1/plain');
  await r.time.advanceTo(r.time.now() + 1);
  assert.equal(choice.choose('000000000000/us-east-1/plain'), 'adaptive');
  assert.equal(choice.choose('000000000000/us-east-1/regular'), 'adaptive');
  await r.scheduler.dispose();
});
