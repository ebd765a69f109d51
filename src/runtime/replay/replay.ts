// Replays a trace through the real Scheduler in virtual time: each call is admitted, given
// an instance (warm, or waiting for a cold start) and runs for its duration, while the
// keep-alive policy under test decides what happens to idle instances. Reports the two
// numbers a keep-alive policy trades against each other: cold starts and idle memory-time.
import { FixedKeepAlive } from '../keep-alive/fixed.js';
import { HybridHistogramKeepAlive, type PolicyMode } from '../keep-alive/hybrid-histogram.js';
import type { KeepAlivePolicy, KeepAlivePolicyName } from '../keep-alive/policy.js';
import { Scheduler } from '../scheduler.js';
import type { FunctionSpec } from '../execution-types.js';
import { MINUTE_MS, traceArrivals, type ArrivalModel } from './arrivals.js';
import type { AzureTrace, TraceFunction } from './azure-trace.js';
import { ReplayMeter, SimulatedInstanceFactory, type SimulatedInstance } from './simulated-instances.js';
import { VirtualTime } from './virtual-time.js';

export interface ReplayOptions {
  readonly policy: KeepAlivePolicyName;
  /** The fixed keep-alive (and the adaptive policy's fallback). */
  readonly keepAliveMs: number;
  /** Seeds the spreading of each minute's calls and their durations. */
  readonly seed?: number;
  /** Virtual time from starting an instance to it being ready. */
  readonly coldStartMs?: number;
  /** How each minute's calls are placed in it (arrivals.ts); default `spread`. */
  readonly arrivals?: ArrivalModel;
}

export interface ReplayReport {
  readonly policy: KeepAlivePolicyName;
  readonly keepAliveMinutes: number;
  readonly functions: number;
  readonly minutes: number;
  readonly invocations: number;
  readonly coldStarts: number;
  readonly coldStartPercent: number;
  /** Of the cold starts, those of calls that arrived while their function had an instance (busy or starting). */
  readonly scaleOutColdStarts: number;
  readonly instanceStarts: number;
  /** GB × seconds of instances started and idle, up to the end of the trace. */
  readonly idleGbSeconds: number;
  /** Calls the scheduler refused or failed (none expected: no limits apply in a replay). */
  readonly failedCalls: number;
  /** Adaptive only: how many functions ended in each mode of the policy. */
  readonly modes?: Readonly<Record<PolicyMode['mode'], number>>;
  readonly wallMs: number;
}

export const REPLAY_DEFAULTS = { seed: 1, coldStartMs: 100 } as const;

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

function specOf(f: TraceFunction, index: number): FunctionSpec {
  return {
    account: ACCOUNT, region: REGION, name: `trace-${index}-${f.hash.slice(0, 8)}`, version: '$LATEST', specKey: f.hash.slice(0, 16),
    handler: 'index.handler', runtime: 'nodejs20.x', codeDir: '', memoryMb: f.memoryMb, timeoutSec: 900, ephemeralStorageMb: 512,
    environment: {}, logGroup: '', logFormat: 'Text',
  };
}

export async function replayTrace(trace: AzureTrace, options: ReplayOptions): Promise<ReplayReport> {
  const wallStart = performance.now();
  const time = new VirtualTime(0);
  const endMs = trace.minutes * MINUTE_MS;
  const meter = new ReplayMeter(endMs);
  const adaptive = options.policy === 'adaptive' ? new HybridHistogramKeepAlive({ fallbackKeepAliveMs: options.keepAliveMs }) : undefined;
  const keepAlive: KeepAlivePolicy = adaptive ?? new FixedKeepAlive(options.keepAliveMs);
  let failedCalls = 0;
  const scheduler = new Scheduler({
    factory: new SimulatedInstanceFactory(time, meter, options.coldStartMs ?? REPLAY_DEFAULTS.coldStartMs),
    clock: time.clock, timers: time, keepAlive, keepAliveMs: options.keepAliveMs,
    accountConcurrency: Number.MAX_SAFE_INTEGER, memoryBudgetMb: Number.POSITIVE_INFINITY,
    onError: () => failedCalls++,
  });
  const functions = trace.functions.map((f, i) => {
    const spec = specOf(f, i);
    return { spec, admission: { functionId: `${ACCOUNT}/${REGION}/${spec.name}`, reservedConcurrency: undefined } };
  });

  let running = 0;
  for (const call of traceArrivals(trace, options.seed ?? REPLAY_DEFAULTS.seed, options.arrivals)) {
    await time.advanceTo(call.atMs);
    const { spec, admission } = functions[call.fn] as (typeof functions)[number];
    running++;
    const instancesOnArrival = meter.liveInstances(spec.name);
    scheduler.run(spec, admission, (instance) => (instance as SimulatedInstance).serve(call.durationMs, instancesOnArrival)).then(
      () => running--,
      () => {
        running--;
        failedCalls++;
      },
    );
  }
  await time.advanceTo(endMs);
  while (running > 0) await time.advanceTo(time.now() + MINUTE_MS); // calls running past the end finish
  const modes = adaptive && countModes(adaptive, functions.map((f) => f.admission.functionId));
  await scheduler.dispose(); // idle instances are metered up to the end of the trace

  return {
    policy: options.policy, keepAliveMinutes: options.keepAliveMs / MINUTE_MS, functions: trace.functions.length, minutes: trace.minutes,
    invocations: meter.invocations, coldStarts: meter.coldStarts,
    coldStartPercent: meter.invocations === 0 ? 0 : (meter.coldStarts / meter.invocations) * 100, scaleOutColdStarts: meter.scaleOutColdStarts,
    instanceStarts: meter.instanceStarts, idleGbSeconds: meter.idleGbSeconds, failedCalls,
    ...(modes ? { modes } : {}),
    wallMs: performance.now() - wallStart,
  };
}

function countModes(policy: HybridHistogramKeepAlive, functionIds: readonly string[]): Record<PolicyMode['mode'], number> {
  const counts = { learning: 0, 'not-representative': 0, histogram: 0, forecast: 0 };
  for (const id of functionIds) counts[policy.explain(id).mode]++;
  return counts;
}
