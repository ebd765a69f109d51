// Instances and scaling: one request at a time per instance, more concurrent requests
// start more instances, idle ones are reused (most recent first) and destroyed after the
// keep-alive, and the sum of live instances' memory stays within the node's budget by
// evicting the least recently used idle instances first.
//
// Cold starts are shared (openfaas `function_scaler.go`): a request with no idle instance
// waits in its function's queue and starts at most one new instance; whichever instance
// is ready first — a new one, or a warm one finishing its request — serves the oldest
// waiter. So a burst never starts more instances than it has requests, and a short
// function under load often needs far fewer.
//
// Scale-out is also lazy for functions that finish sooner than an instance starts: when
// a call finds every instance busy and the function's recent invocations take less than
// a recent cold start, it waits for a busy instance first, and only if none frees up
// within one cold-start time is another instance started (one per such interval). On a
// small machine this keeps a flood of sub-millisecond calls on a few warm instances
// instead of dozens of processes thrashing two cores; slow functions scale out at once.
import { NimbusError } from '../errors.js';
import type { Clock } from '../util/time.js';
import type { ExecutionInstance, FunctionSpec, InstanceFactory } from './execution-types.js';

export interface SchedulerOptions {
  readonly factory: InstanceFactory;
  readonly clock: Clock;
  readonly accountConcurrency: number;
  readonly memoryBudgetMb: number;
  readonly keepAliveMs: number;
  readonly onError: (err: unknown) => void;
}

export interface Admission {
  /** `account/region/name`: reserved concurrency counts all versions of a function. */
  readonly functionId: string;
  readonly reservedConcurrency: number | undefined;
}

interface Waiter {
  resolve(instance: ExecutionInstance): void;
  reject(err: unknown): void;
}

interface IdleEntry {
  readonly instance: ExecutionInstance;
  readonly pool: VersionPool;
  readonly idleSince: number;
}

/** Instances of one function version at one revision. */
interface VersionPool {
  readonly key: string;
  readonly functionId: string;
  readonly spec: FunctionSpec;
  readonly idle: IdleEntry[];
  readonly waiters: Waiter[];
  starting: number;
  live: number;
  retired: boolean;
  /** Recent invocation time on a warm instance (EWMA), once there is one. */
  busyMs: number | undefined;
  scaleTimer: NodeJS.Timeout | undefined;
}

/** Weight of the newest sample in the moving averages. */
const EWMA_WEIGHT = 0.2;
const ewma = (previous: number | undefined, sample: number): number => (previous === undefined ? sample : previous + EWMA_WEIGHT * (sample - previous));

export type SchedulerState = 'running' | 'disposed';

export interface InstancesSnapshot {
  readonly functionId: string;
  readonly live: number;
  readonly idle: number;
  readonly starting: number;
  readonly waiting: number;
  readonly idlePids: readonly number[];
}

function throttled(reason: string): NimbusError {
  return new NimbusError('TooManyRequestsException', 'Rate Exceeded.', { extra: { Reason: reason } });
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #pools = new Map<string, VersionPool>();
  readonly #inFlightByFunction = new Map<string, number>();
  #inFlight = 0;
  #liveMemoryMb = 0;
  #state: SchedulerState = 'running';
  readonly #reaper: NodeJS.Timeout;
  /** Recent time to make a ready instance (pool claim or spawn, plus INIT). */
  #coldStartMs = 20;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#reaper = setInterval(() => this.#reapIdle(), Math.min(1000, Math.max(50, options.keepAliveMs / 4)));
    this.#reaper.unref();
  }

  get state(): SchedulerState {
    return this.#state;
  }

  /** Live instances per function (all versions), for the admin API and metrics. */
  snapshot(): InstancesSnapshot[] {
    const byFunction = new Map<string, InstancesSnapshot>();
    for (const pool of this.#pools.values()) {
      const entry = byFunction.get(pool.functionId) ?? { functionId: pool.functionId, live: 0, idle: 0, starting: 0, waiting: 0, idlePids: [] };
      byFunction.set(pool.functionId, {
        ...entry,
        live: entry.live + pool.live, idle: entry.idle + pool.idle.length, starting: entry.starting + pool.starting,
        waiting: entry.waiting + pool.waiters.length,
        idlePids: [...entry.idlePids, ...pool.idle.flatMap((e) => (e.instance.pid === undefined ? [] : [e.instance.pid]))],
      });
    }
    return [...byFunction.values()];
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Admits one invocation (or throws 429 with Lambda's Reason), gives `work` an instance
   * of `spec` for its duration, then returns the instance for reuse or discards it.
   */
  async run<T>(spec: FunctionSpec, admission: Admission, work: (instance: ExecutionInstance) => Promise<T>): Promise<T> {
    if (this.#state !== 'running') throw new NimbusError('ServiceException', 'The platform is shutting down.');
    const functionCount = this.#inFlightByFunction.get(admission.functionId) ?? 0;
    if (admission.reservedConcurrency !== undefined && functionCount >= admission.reservedConcurrency) {
      throw throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    if (this.#inFlight >= this.#options.accountConcurrency) throw throttled('ConcurrentInvocationLimitExceeded');
    this.#inFlight++;
    this.#inFlightByFunction.set(admission.functionId, functionCount + 1);
    const pool = this.#poolFor(spec, admission.functionId);
    let instance: ExecutionInstance | undefined;
    try {
      instance = pool.idle.pop()?.instance ?? (await this.#waitForInstance(pool));
      const started = performance.now();
      const result = await work(instance);
      pool.busyMs = ewma(pool.busyMs, performance.now() - started);
      return result;
    } finally {
      this.#inFlight--;
      const left = (this.#inFlightByFunction.get(admission.functionId) ?? 1) - 1;
      if (left === 0) this.#inFlightByFunction.delete(admission.functionId);
      else this.#inFlightByFunction.set(admission.functionId, left);
      if (instance) this.#release(pool, instance);
    }
  }

  /**
   * Drops the instances of a function whose spec is not `keepSpecKey` (its code or
   * config changed), or all of them (it was deleted).
   */
  retireFunction(functionId: string, keepSpecKey?: string): void {
    for (const pool of this.#pools.values()) {
      if (pool.functionId !== functionId || pool.spec.specKey === keepSpecKey) continue;
      pool.retired = true;
      for (const entry of pool.idle.splice(0)) this.#destroy(pool, entry.instance);
      this.#forgetIfEmpty(pool);
    }
  }

  /** Stops the reaper and destroys every instance; idempotent. */
  async dispose(): Promise<void> {
    if (this.#state === 'disposed') return;
    this.#state = 'disposed';
    clearInterval(this.#reaper);
    const all: Promise<void>[] = [];
    for (const pool of this.#pools.values()) {
      clearTimeout(pool.scaleTimer);
      for (const waiter of pool.waiters.splice(0)) waiter.reject(new NimbusError('ServiceException', 'The platform is shutting down.'));
      for (const entry of pool.idle.splice(0)) all.push(entry.instance.dispose());
    }
    await Promise.all(all);
  }

  #poolFor(spec: FunctionSpec, functionId: string): VersionPool {
    const key = `${functionId}:${spec.version}#${spec.specKey}`;
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = { key, functionId, spec, idle: [], waiters: [], starting: 0, live: 0, retired: false, busyMs: undefined, scaleTimer: undefined };
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #waitForInstance(pool: VersionPool): Promise<ExecutionInstance> {
    const promise = new Promise<ExecutionInstance>((resolve, reject) => pool.waiters.push({ resolve, reject }));
    if (pool.starting < pool.waiters.length) {
      const busy = pool.live - pool.starting - pool.idle.length;
      if (busy > 0 && pool.busyMs !== undefined && pool.busyMs < this.#coldStartMs) this.#scaleLater(pool);
      else this.#startOne(pool);
    }
    return promise;
  }

  /** Starts one more instance after a cold-start time if calls are still waiting then. */
  #scaleLater(pool: VersionPool): void {
    if (pool.scaleTimer !== undefined) return;
    pool.scaleTimer = setTimeout(() => {
      pool.scaleTimer = undefined;
      if (this.#state !== 'running' || pool.waiters.length <= pool.starting) return;
      this.#startOne(pool);
      if (pool.waiters.length > pool.starting) this.#scaleLater(pool);
    }, Math.ceil(this.#coldStartMs));
  }

  #startOne(pool: VersionPool): void {
    const memory = pool.spec.memoryMb;
    if (!this.#makeRoom(memory)) {
      pool.waiters.shift()?.reject(throttled('ConcurrentInvocationLimitExceeded'));
      return;
    }
    pool.starting++;
    pool.live++;
    this.#liveMemoryMb += memory;
    const started = performance.now();
    this.#options.factory.create(pool.spec).then(
      (instance) => {
        this.#coldStartMs = ewma(this.#coldStartMs, performance.now() - started);
        pool.starting--;
        const waiter = pool.waiters.shift();
        if (waiter) waiter.resolve(instance);
        else this.#release(pool, instance);
      },
      (err: unknown) => {
        pool.starting--;
        pool.live--;
        this.#liveMemoryMb -= memory;
        this.#options.onError(err);
        pool.waiters.shift()?.reject(new NimbusError('ServiceException', 'Could not start a sandbox for this function; see the platform log.', { cause: err }));
        this.#forgetIfEmpty(pool);
      },
    );
  }

  #release(pool: VersionPool, instance: ExecutionInstance): void {
    if (!instance.alive || pool.retired || this.#state !== 'running') {
      this.#destroy(pool, instance);
      // A waiter counted on this instance; start another for it.
      if (pool.waiters.length > pool.starting && this.#state === 'running') this.#startOne(pool);
      this.#forgetIfEmpty(pool);
      return;
    }
    const waiter = pool.waiters.shift();
    if (waiter) {
      waiter.resolve(instance);
      return;
    }
    pool.idle.push({ instance, pool, idleSince: this.#options.clock() });
  }

  #destroy(pool: VersionPool, instance: ExecutionInstance): void {
    pool.live--;
    this.#liveMemoryMb -= instance.memoryMb;
    instance.dispose().catch(this.#options.onError);
  }

  #forgetIfEmpty(pool: VersionPool): void {
    if (pool.live === 0 && pool.waiters.length === 0 && pool.starting === 0) {
      clearTimeout(pool.scaleTimer);
      this.#pools.delete(pool.key);
    }
  }

  /** Evicts least recently used idle instances until `memoryMb` more fits the budget. */
  #makeRoom(memoryMb: number): boolean {
    while (this.#liveMemoryMb + memoryMb > this.#options.memoryBudgetMb) {
      let oldest: IdleEntry | undefined;
      for (const pool of this.#pools.values()) {
        const candidate = pool.idle[0];
        if (candidate && (!oldest || candidate.idleSince < oldest.idleSince)) oldest = candidate;
      }
      if (!oldest) return false;
      oldest.pool.idle.shift();
      this.#destroy(oldest.pool, oldest.instance);
      this.#forgetIfEmpty(oldest.pool);
    }
    return true;
  }

  // Scale to zero: idle instances past their keep-alive are destroyed. Idle lists are
  // ordered oldest first (reuse pops the newest), so each scan stops at the first young one.
  #reapIdle(): void {
    const cutoff = this.#options.clock() - this.#options.keepAliveMs;
    for (const pool of this.#pools.values()) {
      while (pool.idle[0] && pool.idle[0].idleSince <= cutoff) {
        const entry = pool.idle.shift() as IdleEntry;
        this.#destroy(pool, entry.instance);
      }
      this.#forgetIfEmpty(pool);
    }
  }
}
