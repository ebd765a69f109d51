// When the scheduler starts another instance for a call that finds every instance busy,
// in virtual time (simulated instances with a 100 ms cold start): a flood of short calls
// waits for the warm instances, slow calls scale out at once, and a call stuck behind an
// unusually long one is not made to wait for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FunctionSpec } from '../../src/runtime/execution-types.js';
import { ReplayMeter, SimulatedInstanceFactory, type SimulatedInstance } from '../../src/runtime/replay/simulated-instances.js';
import { VirtualTime } from '../../src/runtime/replay/virtual-time.js';
import { Scheduler } from '../../src/runtime/scheduler.js';

const COLD_START_MS = 100;
const spec: FunctionSpec = {
  account: '000000000000', region: 'us-east-1', name: 'fn', version: '$LATEST', specKey: 'fn', handler: 'index.handler', runtime: 'nodejs20.x',
  codeDir: '', memoryMb: 128, timeoutSec: 900, ephemeralStorageMb: 512, environment: {}, logGroup: '', logFormat: 'Text',
};
const admission = { functionId: '000000000000/us-east-1/fn', reservedConcurrency: undefined };

function rig() {
  const time = new VirtualTime(0);
  const meter = new ReplayMeter(Number.POSITIVE_INFINITY);
  const scheduler = new Scheduler({
    factory: new SimulatedInstanceFactory(time, meter, COLD_START_MS), clock: time.clock, timers: time, keepAliveMs: 600_000,
    accountConcurrency: 1000, memoryBudgetMb: 1_000_000, onError: (err) => assert.fail(String(err)),
  });
  /** One call of `durationMs`; resolves with how long it waited for an instance. */
  const call = (durationMs: number): Promise<number> => {
    const arrived = time.now();
    return scheduler.run(spec, admission, async (instance) => {
      const waited = time.now() - arrived;
      await (instance as SimulatedInstance).serve(durationMs, 0);
      return waited;
    });
  };
  const live = (): number => meter.liveInstances('fn');
  return { time, scheduler, call, live };
}

/** `callers` clients, each calling again as soon as its call returns, until `untilMs`. */
async function closedLoop(r: ReturnType<typeof rig>, callers: number, durationMs: number, untilMs: number): Promise<{ waits: number[]; maxLive: number }> {
  const waits: number[] = [];
  let maxLive = 0;
  const client = async (): Promise<void> => {
    while (r.time.now() < untilMs) waits.push(await r.call(durationMs));
  };
  const clients = Array.from({ length: callers }, client);
  let done = false;
  void Promise.all(clients).then(() => (done = true));
  while (!done) {
    await r.time.advanceTo(r.time.now() + 1);
    maxLive = Math.max(maxLive, r.live());
  }
  return { waits, maxLive };
}

test('32 callers of a 1 ms function share a few warm instances, and none waits longer than a cold start', async () => {
  const r = rig();
  await closedLoop(r, 1, 1, 500); // one warm instance, and the function's duration learned
  assert.equal(r.live(), 1);
  const { waits, maxLive } = await closedLoop(r, 32, 1, 3_000);
  assert.ok(maxLive <= 2, `started ${maxLive} instances for 1 ms calls`);
  assert.ok(waits.length >= 2_000, `only ${waits.length} calls in 2.5 s`); // one instance does at most 2,500
  assert.ok(Math.max(...waits) <= COLD_START_MS, `a call waited ${Math.max(...waits)} ms`);
  await r.scheduler.dispose();
});

test('32 callers of a 300 ms function (slower than a cold start) get an instance each at once', async () => {
  const r = rig();
  await closedLoop(r, 1, 300, 1_000);
  const { maxLive } = await closedLoop(r, 32, 300, 3_000);
  assert.equal(maxLive, 32);
  await r.scheduler.dispose();
});

test('a call behind one far longer than the function usually takes gets a new instance instead of waiting for it', async () => {
  const r = rig();
  await closedLoop(r, 1, 1, 500); // usually 1 ms
  const long = r.call(5_000); // an unusual one holds the only instance
  await r.time.advanceTo(r.time.now() + 1_000);
  const next = r.call(1);
  let waited: number | undefined;
  void next.then((w) => (waited = w));
  await r.time.advanceTo(r.time.now() + 3 * COLD_START_MS);
  assert.ok(waited !== undefined && waited <= 2 * COLD_START_MS, `waited ${String(waited)} ms`);
  assert.equal(r.live(), 2);
  await r.time.advanceTo(r.time.now() + 5_000);
  await long;
  await r.scheduler.dispose();
});
