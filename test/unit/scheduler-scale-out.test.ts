// When the scheduler starts another instance for a call that finds every instance busy,
// in virtual time (simulated instances with a 100 ms cold start): a flood of short calls
// waits for the warm instances, slow calls scale out at once, and a call stuck behind an
// unusually long one is not made to wait for it; instances held to their CPU share take no
// queued calls, so more start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecutionInstance, FunctionSpec, InstanceFactory, InstanceOutcome } from '../../src/runtime/execution-types.js';
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

/**
 * An instance held to a CPU share, as the kernel's CFS quota holds a sandbox: its calls run one
 * after another, each `cpuMs` of CPU, at most `quotaMs` of CPU per 20 ms period; a call that
 * does not fit in what is left of the period waits for the next one. The guest's own time per
 * call (lastRunMs) is `cpuMs`: the waits do not show in it.
 */
class ShareBoundInstance implements ExecutionInstance {
  static #next = 0;
  readonly id = `share-${++ShareBoundInstance.#next}`;
  readonly logStream = this.id;
  readonly memoryMb = 128;
  readonly pid = undefined;
  readonly alive = true;
  readonly queues = true;
  readonly #time: VirtualTime;
  readonly #cpuMs: number;
  readonly #quotaMs: number;
  readonly #reportsThrottling: boolean;
  #freeAt = 0;
  #period = -1;
  #usedMs = 0;
  #throttledAt = Number.NEGATIVE_INFINITY;
  lastRunMs: number | undefined;

  constructor(time: VirtualTime, cpuMs: number, quotaMs: number, reportsThrottling: boolean) {
    this.#time = time;
    this.#cpuMs = cpuMs;
    this.#quotaMs = quotaMs;
    this.#reportsThrottling = reportsThrottling;
  }

  get cpuThrottled(): boolean {
    return this.#reportsThrottling && this.#time.now() - this.#throttledAt < 100;
  }

  run(): Promise<void> {
    let start = Math.max(this.#time.now(), this.#freeAt);
    const period = Math.floor(start / 20);
    if (period !== this.#period) {
      this.#period = period;
      this.#usedMs = 0;
    }
    if (this.#usedMs + this.#cpuMs > this.#quotaMs) {
      this.#throttledAt = start;
      this.#period = period + 1;
      this.#usedMs = 0;
      start = this.#period * 20;
    }
    this.#usedMs += this.#cpuMs;
    this.#freeAt = start + this.#cpuMs;
    return new Promise((resolve) => {
      this.#time.setTimeout(() => {
        this.lastRunMs = this.#cpuMs;
        resolve();
      }, this.#freeAt - this.#time.now());
    });
  }

  invoke(): Promise<InstanceOutcome> {
    return Promise.reject(new Error('runs no code'));
  }

  invokeStream(): Promise<InstanceOutcome> {
    return this.invoke();
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}

async function floodOfShareBoundCalls(reportsThrottling: boolean): Promise<{ calls: number; maxLive: number }> {
  const time = new VirtualTime(0);
  let live = 0;
  const factory: InstanceFactory = {
    create: () => {
      live++;
      return new Promise((resolve) => time.setTimeout(() => resolve(new ShareBoundInstance(time, 1, 3, reportsThrottling)), COLD_START_MS));
    },
    dispose: () => Promise.resolve(),
  };
  const scheduler = new Scheduler({
    factory, clock: time.clock, timers: time, keepAliveMs: 600_000, accountConcurrency: 1000, memoryBudgetMb: 1_000_000, onError: (err) => assert.fail(String(err)),
  });
  const call = (): Promise<void> => scheduler.run(spec, admission, (instance) => (instance as ShareBoundInstance).run(), { mayQueue: true });
  let calls = 0;
  let maxLive = 0;
  const client = async (untilMs: number): Promise<void> => {
    while (time.now() < untilMs) {
      await call();
      calls++;
    }
  };
  const loop = async (callers: number, untilMs: number): Promise<void> => {
    let done = false;
    void Promise.all(Array.from({ length: callers }, () => client(untilMs))).then(() => (done = true));
    while (!done) {
      await time.advanceTo(time.now() + 1);
      maxLive = Math.max(maxLive, live);
    }
  };
  await loop(1, 500); // one warm instance, the function's 1 ms learned
  calls = 0;
  await loop(32, 3_000);
  await scheduler.dispose();
  return { calls, maxLive };
}

test('32 callers of a 1 ms function held to 15 % of a core: throttled instances take no queued calls, so more start', async () => {
  const blind = await floodOfShareBoundCalls(false);
  const seen = await floodOfShareBoundCalls(true);
  console.log(`# blind ${JSON.stringify(blind)}, seen ${JSON.stringify(seen)}`);
  // Without the signal the 1 ms calls look short and queue on one or two instances that serve
  // 150 calls a second each; with it, every instance brings its own share.
  assert.ok(blind.maxLive <= 2, `without the signal: ${blind.maxLive} instances`);
  assert.ok(seen.maxLive >= 8, `with the signal: only ${seen.maxLive} instances`);
  assert.ok(seen.calls >= 4 * blind.calls, `with the signal ${seen.calls} calls in 2.5 s, without ${blind.calls}`);
});
