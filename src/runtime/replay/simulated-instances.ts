// Instances for the replay: they start after a fixed cold-start time and "run" a call for
// its duration, both in virtual time, and meter what the policy is judged on. A simulation
// of the platform's scheduling policy, not of sandboxes: nothing is spawned or executed.
import { NimbusError } from '../../errors.js';
import type { ExecutionInstance, FunctionSpec, InstanceFactory, InstanceOutcome } from '../execution-types.js';
import type { VirtualTime } from './virtual-time.js';

/** What a replay counts. Idle time is counted only up to `endMs` (the end of the trace). */
export class ReplayMeter {
  readonly endMs: number;
  invocations = 0;
  /** Calls that waited for an instance started for them (or for a pre-warm still starting). */
  coldStarts = 0;
  /** Cold starts of calls that arrived while their function had an instance (busy or starting): scale-out for concurrency. */
  scaleOutColdStarts = 0;
  instanceStarts = 0;
  /** Instances per function, starting or started and not yet disposed. */
  readonly #live = new Map<string, number>();
  /** MB × ms of instances that were started and had nothing to do. */
  idleMbMs = 0;

  constructor(endMs: number) {
    this.endMs = endMs;
  }

  addIdle(memoryMb: number, fromMs: number, toMs: number): void {
    const to = Math.min(toMs, this.endMs);
    if (to > fromMs) this.idleMbMs += memoryMb * (to - fromMs);
  }

  instanceCreated(functionName: string): void {
    this.instanceStarts++;
    this.#live.set(functionName, (this.#live.get(functionName) ?? 0) + 1);
  }

  instanceDisposed(functionName: string): void {
    this.#live.set(functionName, (this.#live.get(functionName) ?? 1) - 1);
  }

  /** Instances of the function, starting or started. */
  liveInstances(functionName: string): number {
    return this.#live.get(functionName) ?? 0;
  }

  get idleGbSeconds(): number {
    return this.idleMbMs / 1024 / 1000;
  }
}

let nextId = 0;

export class SimulatedInstance implements ExecutionInstance {
  readonly id = `sim-${++nextId}`;
  readonly logStream = this.id;
  readonly memoryMb: number;
  readonly pid = undefined;
  readonly alive = true;
  readonly #time: VirtualTime;
  readonly #meter: ReplayMeter;
  readonly #functionName: string;
  readonly #readyAt: number;
  #disposed = false;
  /** Undefined while a call runs or once disposed. */
  #idleSince: number | undefined;
  #served = 0;

  constructor(spec: FunctionSpec, time: VirtualTime, meter: ReplayMeter) {
    this.#functionName = spec.name;
    this.memoryMb = spec.memoryMb;
    this.#time = time;
    this.#meter = meter;
    this.#readyAt = time.now();
    this.#idleSince = this.#readyAt;
  }

  /**
   * Runs one call for `durationMs` of virtual time; `instancesOnArrival` is how many
   * instances its function had when the call arrived.
   */
  serve(durationMs: number, instancesOnArrival: number): Promise<void> {
    const now = this.#time.now();
    this.#meter.invocations++;
    // Handed over the instant it became ready: the call was waiting for this start.
    if (this.#served === 0 && now === this.#readyAt) {
      this.#meter.coldStarts++;
      if (instancesOnArrival > 0) this.#meter.scaleOutColdStarts++;
    }
    if (this.#idleSince !== undefined) this.#meter.addIdle(this.memoryMb, this.#idleSince, now);
    this.#served++;
    this.#idleSince = undefined;
    return new Promise((resolve) => {
      this.#time.setTimeout(() => {
        this.#idleSince = this.#time.now();
        resolve();
      }, durationMs);
    });
  }

  invoke(): Promise<InstanceOutcome> {
    return Promise.reject(new NimbusError('ServiceException', 'a simulated instance runs no code'));
  }

  invokeStream(): Promise<InstanceOutcome> {
    return this.invoke();
  }

  dispose(): Promise<void> {
    if (this.#disposed) return Promise.resolve();
    this.#disposed = true;
    this.#meter.instanceDisposed(this.#functionName);
    if (this.#idleSince !== undefined) this.#meter.addIdle(this.memoryMb, this.#idleSince, this.#time.now());
    this.#idleSince = undefined;
    return Promise.resolve();
  }
}

export class SimulatedInstanceFactory implements InstanceFactory {
  readonly #time: VirtualTime;
  readonly #meter: ReplayMeter;
  readonly #coldStartMs: number;

  constructor(time: VirtualTime, meter: ReplayMeter, coldStartMs: number) {
    this.#time = time;
    this.#meter = meter;
    this.#coldStartMs = coldStartMs;
  }

  create(spec: FunctionSpec): Promise<ExecutionInstance> {
    this.#meter.instanceCreated(spec.name);
    return new Promise((resolve) => {
      this.#time.setTimeout(() => resolve(new SimulatedInstance(spec, this.#time, this.#meter)), this.#coldStartMs);
    });
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
