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
// a call finds every instance busy and the function's recent invocations take less than a
// recent cold start, it waits for a busy instance. Every cold-start time while calls wait,
// one more instance starts unless the queue of waiting calls spread over the busy instances
// drains within one cold-start time. On a small machine this keeps a flood of
// sub-millisecond calls on the few warm instances that the cores can serve instead of dozens
// of processes thrashing two cores; slow functions scale out at once.
//
// Provisioned concurrency (provision()) keeps N instances of a version initialised ahead of
// traffic, outside the keep-alive and the memory eviction; calls take them first and spill
// over to on-demand instances when all are busy.
import { NimbusError } from '../errors.js';
import { systemTimers, type Clock, type TimerHandle, type Timers } from '../util/time.js';
import { InvocationNotStarted, type ExecutionInstance, type FunctionSpec, type InstanceFactory } from './execution-types.js';
import { FixedKeepAlive } from './keep-alive/fixed.js';
import type { IdleDecision, KeepAlivePolicy } from './keep-alive/policy.js';
import { PrewarmTimers } from './keep-alive/prewarm-timers.js';

export interface SchedulerOptions {
  readonly factory: InstanceFactory;
  readonly clock: Clock;
  readonly accountConcurrency: number;
  readonly memoryBudgetMb: number;
  readonly keepAliveMs: number;
  readonly onError: (err: unknown) => void;
  /** Asked when an instance falls idle (keep it how long, or unload it and pre-warm later); default: keep each `keepAliveMs`. */
  readonly keepAlive?: KeepAlivePolicy;
  /** Real timers by default; `nimbus replay` runs the scheduler in virtual time. */
  readonly timers?: Timers;
  /**
   * Cluster mode: reserved concurrency is counted across nodes. Asked (after the local
   * checks) for a slot of the function's limit; undefined means every slot is taken.
   */
  readonly clusterConcurrency?: {
    acquire(functionId: string, limit: number, holdMs: number): Promise<(() => void) | undefined>;
  };
}

export interface RunOptions {
  /** The call may be queued on a busy instance (plain invocations; not a streamed response). */
  readonly mayQueue?: boolean;
}

/** See Scheduler#longCallMs. */
const LONG_CALL_FLOOR_MS = 50;

/** Calls at most on one instance at once when pipelining: the running one and those queued behind it. */
const MAX_QUEUED_PER_INSTANCE = 16;

/** A cluster slot is held at most the function's timeout plus this (a node dying mid-call). */
const CLUSTER_SLOT_MARGIN_MS = 30_000;

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
  /** When the keep-alive policy lets it go. */
  readonly expiresAt: number;
}

/** Provisioned concurrency of one pool: instances made ahead and kept, never reaped or evicted. */
interface ProvisionedInstances {
  target: number;
  /** Started and initialised, idle or busy. */
  readonly members: Set<ExecutionInstance>;
  /** Idle members: calls take these before any on-demand instance. */
  readonly idle: ExecutionInstance[];
  starting: number;
  /** Why provisioning stopped (an INIT failure, no memory left); cleared by the next provision(). */
  failure: string | undefined;
}

export interface ProvisionedStatus {
  readonly ready: number;
  readonly failure: string | undefined;
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
  /** Instances handed to calls, with how many calls hold each (more than one: calls queued on it, see run()). */
  readonly holders: Map<ExecutionInstance, number>;
  scaleTimer: TimerHandle | undefined;
  provisioned: ProvisionedInstances | undefined;
}

const poolKey = (functionId: string, spec: FunctionSpec): string => `${functionId}:${spec.version}#${spec.specKey}`;

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
  /** Calls sent to a busy instance, to run after the one running there (pipelining). */
  readonly queued: number;
  /** Busy instances recently held to their CPU share (a small MemorySize under load): they take no queued calls. */
  readonly cpuThrottled: number;
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
  readonly #reaper: TimerHandle;
  readonly #timers: Timers;
  readonly #keepAlive: KeepAlivePolicy;
  readonly #prewarms: PrewarmTimers;
  /** Recent time to make a ready instance (pool claim or spawn, plus INIT). */
  #coldStartMs = 20;
  /**
   * A call that has run this long is not a typical call of a short function (a slow request, a
   * changed workload) and may run long: a cold start's time, but at least LONG_CALL_FLOOR_MS,
   * since a host under load sees even sub-millisecond calls end milliseconds late.
   */
  get #longCallMs(): number {
    return Math.max(this.#coldStartMs, LONG_CALL_FLOOR_MS);
  }

  /** When each busy instance's current call began (monotonic ms). */
  readonly #busySince = new WeakMap<ExecutionInstance, number>();

  /** Whether a busy instance's current call has run long (longCallMs). */
  #runsLong(instance: ExecutionInstance): boolean {
    return this.#ranFor(instance) >= this.#longCallMs;
  }

  #ranFor(instance: ExecutionInstance): number {
    const now = this.#timers.now();
    return now - (this.#busySince.get(instance) ?? now);
  }
  /** A timer per instance with calls queued on it, to take them back if its running call runs long. */
  readonly #queueWatches = new Map<ExecutionInstance, TimerHandle>();

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#timers = options.timers ?? systemTimers;
    this.#keepAlive = options.keepAlive ?? new FixedKeepAlive(options.keepAliveMs);
    this.#prewarms = new PrewarmTimers(this.#timers);
    this.#reaper = this.#timers.setInterval(() => this.#reapIdle(), Math.min(1000, Math.max(50, options.keepAliveMs / 4)));
  }

  get state(): SchedulerState {
    return this.#state;
  }

  /** Live instances per function (all versions), for the admin API and metrics. */
  snapshot(): InstancesSnapshot[] {
    const byFunction = new Map<string, InstancesSnapshot>();
    for (const pool of this.#pools.values()) {
      const entry = byFunction.get(pool.functionId) ?? { functionId: pool.functionId, live: 0, idle: 0, starting: 0, waiting: 0, queued: 0, cpuThrottled: 0, idlePids: [] };
      let queued = 0;
      let cpuThrottled = 0;
      for (const [instance, holders] of pool.holders) {
        queued += holders - 1;
        if (instance.cpuThrottled === true) cpuThrottled++;
      }
      byFunction.set(pool.functionId, {
        ...entry,
        live: entry.live + pool.live, idle: entry.idle + pool.idle.length + (pool.provisioned?.idle.length ?? 0),
        starting: entry.starting + pool.starting, waiting: entry.waiting + pool.waiters.length, queued: entry.queued + queued, cpuThrottled: entry.cpuThrottled + cpuThrottled,
        idlePids: [...entry.idlePids, ...[...pool.idle.map((e) => e.instance), ...(pool.provisioned?.idle ?? [])].flatMap((i) => (i.pid === undefined ? [] : [i.pid]))],
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
  async run<T>(spec: FunctionSpec, admission: Admission, work: (instance: ExecutionInstance) => Promise<T>, options: RunOptions = {}): Promise<T> {
    if (this.#state !== 'running') throw new NimbusError('ServiceException', 'The platform is shutting down.');
    const functionCount = this.#inFlightByFunction.get(admission.functionId) ?? 0;
    if (admission.reservedConcurrency !== undefined && functionCount >= admission.reservedConcurrency) {
      throw throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    }
    if (this.#inFlight >= this.#options.accountConcurrency) throw throttled('ConcurrentInvocationLimitExceeded');
    const gate = this.#options.clusterConcurrency;
    const releaseSlot = admission.reservedConcurrency !== undefined && gate !== undefined
      ? await this.#clusterSlot(gate, admission.functionId, admission.reservedConcurrency, spec.timeoutSec)
      : undefined;
    this.#inFlight++;
    this.#inFlightByFunction.set(admission.functionId, functionCount + 1);
    this.#keepAlive.invocationStarted(admission.functionId, this.#options.clock());
    const pool = this.#poolFor(spec, admission.functionId);
    let instance: ExecutionInstance | undefined;
    try {
      for (;;) {
        instance = pool.provisioned?.idle.pop() ?? pool.idle.pop()?.instance ?? (options.mayQueue === true ? this.#queueOn(pool) : undefined) ?? (await this.#waitForInstance(pool));
        const started = this.#timers.now();
        this.#hold(pool, instance, started);
        try {
          const result = await work(instance);
          // Its own time on the instance: as the guest measured it when it says (a host under load
          // sees results late), else from when it (or, queued, the one before it) began.
          const now = this.#timers.now();
          pool.busyMs = ewma(pool.busyMs, instance.lastRunMs ?? now - Math.max(started, this.#busySince.get(instance) ?? started));
          this.#busySince.set(instance, now);
          return result;
        } catch (err) {
          if (!(err instanceof InvocationNotStarted)) throw err;
          // Queued on an instance that died before it began: it never ran, so it runs on another.
          this.#unhold(pool, instance);
          instance = undefined;
        }
      }
    } finally {
      this.#inFlight--;
      const left = (this.#inFlightByFunction.get(admission.functionId) ?? 1) - 1;
      if (left === 0) this.#inFlightByFunction.delete(admission.functionId);
      else this.#inFlightByFunction.set(admission.functionId, left);
      this.#keepAlive.invocationEnded(admission.functionId, this.#options.clock());
      releaseSlot?.();
      if (instance) this.#unhold(pool, instance);
    }
  }

  #hold(pool: VersionPool, instance: ExecutionInstance, now: number): void {
    const holders = pool.holders.get(instance) ?? 0;
    if (holders === 0) this.#busySince.set(instance, now);
    pool.holders.set(instance, holders + 1);
  }

  /** A call is done with an instance; the last one gives it back. One with calls still queued takes a waiting call into its queue. */
  #unhold(pool: VersionPool, instance: ExecutionInstance): void {
    const left = (pool.holders.get(instance) ?? 1) - 1;
    if (left > 0) {
      pool.holders.set(instance, left);
      if (pool.waiters.length > 0 && this.#canQueueOn(pool, instance, left)) {
        pool.waiters.shift()?.resolve(instance);
        this.#watchQueue(pool, instance);
      }
      return;
    }
    pool.holders.delete(instance);
    this.#release(pool, instance);
  }

  /**
   * Pipelining: a call that finds every instance busy is sent at once to the busy instance with
   * the fewest calls queued, when the function is far quicker than a cold start and that queue
   * drains within one. The guest runs its calls one at a time, in order (one request at a time
   * per instance, as on Lambda); what is saved is the round trip through the host between
   * them, which on two cores costs more than a sub-millisecond function itself.
   */
  #queueOn(pool: VersionPool): ExecutionInstance | undefined {
    if (pool.waiters.length > 0) return undefined; // calls that came first go first
    let best: ExecutionInstance | undefined;
    let bestDepth = Number.POSITIVE_INFINITY;
    for (const [instance, depth] of pool.holders) {
      if (depth < bestDepth && this.#canQueueOn(pool, instance, depth)) {
        best = instance;
        bestDepth = depth;
      }
    }
    if (best !== undefined) this.#watchQueue(pool, best);
    return best;
  }

  /**
   * Head-of-line blocking guard: if the call running on an instance with calls queued behind it
   * has run long (longCallMs: a cold-start time, at least 50 ms), the queued ones are taken back
   * and go where a new call would (an idle instance, another queue, or a new instance).
   */
  #watchQueue(pool: VersionPool, instance: ExecutionInstance): void {
    if (this.#queueWatches.has(instance)) return;
    const hasQueue = (): boolean => (pool.holders.get(instance) ?? 0) > 1 && this.#state === 'running';
    /** Checks when the running call would turn long; then once more after the loop read its sockets. */
    const arm = (): void => {
      this.#queueWatches.set(instance, this.#timers.setTimeout(() => {
        if (!hasQueue()) this.#queueWatches.delete(instance);
        else if (!this.#runsLong(instance)) arm();
        else this.#queueWatches.set(instance, this.#afterIo(decide));
      }, Math.max(1, Math.ceil(this.#longCallMs - this.#ranFor(instance)))));
    };
    const decide = (): void => {
      this.#queueWatches.delete(instance);
      if (!hasQueue()) return;
      if (this.#runsLong(instance)) instance.takeBackQueued?.();
      else arm();
    };
    arm();
  }

  #canQueueOn(pool: VersionPool, instance: ExecutionInstance, depth: number): boolean {
    if (instance.queues !== true || !instance.alive || depth >= MAX_QUEUED_PER_INSTANCE) return false;
    if (pool.busyMs === undefined || depth * pool.busyMs >= this.#coldStartMs) return false;
    // At its CPU share (a small MemorySize), an instance's queue drains at the share's pace, which
    // the guest's own run times do not show: another instance brings another share.
    if (instance.cpuThrottled === true) return false;
    return !this.#runsLong(instance); // not behind a call that may run long
  }

  async #clusterSlot(gate: NonNullable<SchedulerOptions['clusterConcurrency']>, functionId: string, limit: number, timeoutSec: number): Promise<() => void> {
    const release = await gate.acquire(functionId, limit, timeoutSec * 1000 + CLUSTER_SLOT_MARGIN_MS);
    if (release === undefined) throw throttled('ReservedFunctionConcurrentInvocationLimitExceeded');
    return release;
  }

  /**
   * Drops the instances of a function whose spec is not `keepSpecKey` (its code or
   * config changed), or all of them (it was deleted); only those of `version` when given
   * (a published version never changes, it is only deleted). Provisioned ones go too.
   */
  retireFunction(functionId: string, keepSpecKey?: string, version?: string): void {
    for (const pool of this.#pools.values()) {
      if (pool.functionId !== functionId || pool.spec.specKey === keepSpecKey) continue;
      if (version !== undefined && pool.spec.version !== version) continue;
      pool.retired = true;
      this.#prewarms.cancel(pool.key);
      for (const entry of pool.idle.splice(0)) this.#destroy(pool, entry.instance);
      if (pool.provisioned) this.#shrinkProvisioned(pool, pool.provisioned, 0);
      this.#forgetIfEmpty(pool);
    }
    if (keepSpecKey === undefined && version === undefined) this.#keepAlive.forget(functionId); // the function is gone
  }

  /**
   * Provisioned concurrency: keeps `count` instances of `spec` initialised ahead of
   * traffic (INIT as `provisioned-concurrency`), whatever the traffic and the keep-alive;
   * ones that die are replaced. 0 releases them (busy ones when their call ends). A new
   * call after a failure tries again.
   */
  provision(spec: FunctionSpec, functionId: string, count: number): void {
    if (this.#state !== 'running') return;
    const pool = this.#poolFor(spec, functionId);
    const provisioned = (pool.provisioned ??= { target: 0, members: new Set(), idle: [], starting: 0, failure: undefined });
    provisioned.failure = undefined;
    this.#shrinkProvisioned(pool, provisioned, count);
    this.#fillProvisioned(pool);
    this.#forgetIfEmpty(pool);
  }

  /** How many provisioned instances of `spec` are ready, and why no more will come if so. */
  provisionedStatus(spec: FunctionSpec, functionId: string): ProvisionedStatus {
    const provisioned = this.#pools.get(poolKey(functionId, spec))?.provisioned;
    return { ready: provisioned?.members.size ?? 0, failure: provisioned?.failure };
  }

  /** Stops the reaper and destroys every instance; idempotent. */
  async dispose(): Promise<void> {
    if (this.#state === 'disposed') return;
    this.#state = 'disposed';
    this.#timers.clear(this.#reaper);
    this.#prewarms.dispose();
    for (const watch of this.#queueWatches.values()) this.#timers.clear(watch);
    this.#queueWatches.clear();
    const all: Promise<void>[] = [];
    for (const pool of this.#pools.values()) {
      this.#timers.clear(pool.scaleTimer);
      for (const waiter of pool.waiters.splice(0)) waiter.reject(new NimbusError('ServiceException', 'The platform is shutting down.'));
      for (const entry of pool.idle.splice(0)) all.push(entry.instance.dispose());
      for (const instance of pool.provisioned?.idle.splice(0) ?? []) all.push(instance.dispose());
    }
    await Promise.all(all);
  }

  #poolFor(spec: FunctionSpec, functionId: string): VersionPool {
    const key = poolKey(functionId, spec);
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = { key, functionId, spec, idle: [], waiters: [], starting: 0, live: 0, retired: false, busyMs: undefined, holders: new Map(), scaleTimer: undefined, provisioned: undefined };
      this.#pools.set(key, pool);
    }
    return pool;
  }

  #waitForInstance(pool: VersionPool): Promise<ExecutionInstance> {
    const promise = new Promise<ExecutionInstance>((resolve, reject) => pool.waiters.push({ resolve, reject }));
    if (pool.starting < pool.waiters.length) {
      // A short function with busy instances: decide after a cold-start time, on fresh figures
      // (a call arriving right after the host was held up sees every instance as busy for long).
      const short = pool.busyMs !== undefined && pool.busyMs < this.#coldStartMs;
      if (short && pool.holders.size > 0) this.#scaleLater(pool);
      else this.#startOne(pool);
    }
    return promise;
  }

  /**
   * Runs `decide` once the loop has read what arrived meanwhile: timers run before the loop
   * reads its sockets, so right after the host was held up (a GC, a large batch of log rows)
   * results that came in the meantime are not seen yet, and every call looks long.
   */
  #afterIo(decide: () => void): TimerHandle {
    return this.#timers.setTimeout(decide, 0);
  }

  /**
   * Whether the calls waiting for this pool are served sooner by its busy instances than by a
   * new one: the function is quicker than a cold start and the queue, spread over the busy
   * instances, drains within one cold-start time.
   */
  #queueBeatsColdStart(pool: VersionPool): boolean {
    if (pool.busyMs === undefined || pool.busyMs >= this.#coldStartMs) return false;
    // Only instances whose current call has not run long, and that are not held to their CPU share, count as soon free.
    let freeSoon = 0;
    let queuedOnInstances = 0;
    for (const [instance, holders] of pool.holders) {
      if (!this.#runsLong(instance) && instance.cpuThrottled !== true) freeSoon++;
      queuedOnInstances += holders - 1;
    }
    if (freeSoon === 0) return false;
    const queued = pool.waiters.length - pool.starting + queuedOnInstances;
    return (queued * pool.busyMs) / freeSoon < this.#coldStartMs;
  }

  /**
   * While calls wait, looks again after a cold-start time: starts one more instance if the
   * queue still would not drain sooner without it.
   */
  #scaleLater(pool: VersionPool): void {
    if (pool.scaleTimer !== undefined) return;
    pool.scaleTimer = this.#timers.setTimeout(() => {
      pool.scaleTimer = this.#afterIo(() => {
        pool.scaleTimer = undefined;
        if (this.#state !== 'running' || pool.waiters.length <= pool.starting) return;
        if (!this.#queueBeatsColdStart(pool)) this.#startOne(pool);
        if (pool.waiters.length > pool.starting) this.#scaleLater(pool);
      });
    }, Math.ceil(this.#coldStartMs));
  }

  #startOne(pool: VersionPool, prewarmKeepAliveMs?: number): void {
    const memory = pool.spec.memoryMb;
    if (!this.#makeRoom(memory)) {
      pool.waiters.shift()?.reject(throttled('ConcurrentInvocationLimitExceeded'));
      return;
    }
    pool.starting++;
    pool.live++;
    this.#liveMemoryMb += memory;
    const started = this.#timers.now();
    this.#options.factory.create(pool.spec).then(
      (instance) => {
        this.#coldStartMs = ewma(this.#coldStartMs, this.#timers.now() - started);
        pool.starting--;
        const waiter = pool.waiters.shift();
        if (waiter) waiter.resolve(instance);
        else this.#release(pool, instance, prewarmKeepAliveMs);
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

  #release(pool: VersionPool, instance: ExecutionInstance, prewarmKeepAliveMs?: number): void {
    const provisioned = pool.provisioned?.members.has(instance) === true ? pool.provisioned : undefined;
    const surplus = provisioned !== undefined && provisioned.members.size > provisioned.target;
    if (!instance.alive || pool.retired || this.#state !== 'running' || surplus) {
      this.#destroy(pool, instance);
      if (provisioned) {
        provisioned.members.delete(instance);
        this.#fillProvisioned(pool); // a provisioned instance that died is replaced
      }
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
    if (provisioned) provisioned.idle.push(instance);
    else this.#idle(pool, instance, prewarmKeepAliveMs);
  }

  /** Starts provisioned instances until the target is met (or one failed). */
  #fillProvisioned(pool: VersionPool): void {
    const provisioned = pool.provisioned;
    if (!provisioned || pool.retired || this.#state !== 'running') return;
    const memory = pool.spec.memoryMb;
    while (provisioned.failure === undefined && provisioned.members.size + provisioned.starting < provisioned.target) {
      if (!this.#makeRoom(memory)) {
        provisioned.failure = `Not enough memory on this node: ${memory} MB more would pass the memory budget of ${this.#options.memoryBudgetMb} MB`;
        return;
      }
      provisioned.starting++;
      pool.live++;
      this.#liveMemoryMb += memory;
      this.#options.factory.create(pool.spec, 'provisioned-concurrency').then(
        (instance) => {
          provisioned.starting--;
          if (instance.initFailed === true) {
            provisioned.failure = 'FUNCTION_ERROR_INIT_FAILURE: the function failed during INIT; its log shows why when it is invoked on demand';
            this.#destroy(pool, instance);
            this.#forgetIfEmpty(pool);
            return;
          }
          provisioned.members.add(instance);
          this.#release(pool, instance); // serves a waiting call, or waits idle
        },
        (err: unknown) => {
          provisioned.starting--;
          pool.live--;
          this.#liveMemoryMb -= memory;
          provisioned.failure = 'Could not start a sandbox for a provisioned instance; see the platform log.';
          this.#options.onError(err);
          this.#forgetIfEmpty(pool);
        },
      );
    }
  }

  /** Lowers the target; idle surplus goes now, busy surplus when its call ends. */
  #shrinkProvisioned(pool: VersionPool, provisioned: ProvisionedInstances, target: number): void {
    provisioned.target = target;
    while (provisioned.members.size > target && provisioned.idle.length > 0) {
      const instance = provisioned.idle.pop() as ExecutionInstance;
      provisioned.members.delete(instance);
      this.#destroy(pool, instance);
    }
  }

  #destroy(pool: VersionPool, instance: ExecutionInstance): void {
    pool.live--;
    this.#liveMemoryMb -= instance.memoryMb;
    instance.dispose().catch(this.#options.onError);
  }

  #forgetIfEmpty(pool: VersionPool): void {
    // A pool asked to keep provisioned instances stays, also when they failed (its status says why).
    if (pool.live === 0 && pool.waiters.length === 0 && pool.starting === 0 && (pool.provisioned?.target ?? 0) === 0 && !this.#prewarms.has(pool.key)) {
      this.#timers.clear(pool.scaleTimer);
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

  // Keep-alive: the policy says how long an instance that fell idle is kept, or to unload it
  // now and pre-warm one shortly before the function's next call is expected.
  #idle(pool: VersionPool, instance: ExecutionInstance, prewarmKeepAliveMs: number | undefined): void {
    const now = this.#options.clock();
    const decision: IdleDecision = prewarmKeepAliveMs === undefined ? this.#keepAlive.decideIdle(pool.functionId, now) : { kind: 'keep', keepAliveMs: prewarmKeepAliveMs };
    if (decision.kind === 'keep') {
      pool.idle.push({ instance, pool, idleSince: now, expiresAt: now + decision.keepAliveMs });
      return;
    }
    this.#destroy(pool, instance);
    this.#prewarms.schedule(pool.key, decision.prewarmInMs, () => {
      if (this.#state === 'running' && !pool.retired) this.#prewarm(pool, decision.keepAliveMs);
      this.#forgetIfEmpty(pool);
    });
  }

  /** Makes sure one instance waits for the expected call, for `keepAliveMs` at least. */
  #prewarm(pool: VersionPool, keepAliveMs: number): void {
    const until = this.#options.clock() + keepAliveMs;
    const newest = pool.idle.at(-1);
    if (newest) {
      // One still idle from earlier (made for concurrency) serves: keep it instead of starting another.
      if (newest.expiresAt < until) pool.idle[pool.idle.length - 1] = { ...newest, expiresAt: until };
      return;
    }
    // A busy or starting one will be free when the call comes.
    if (pool.live === 0) this.#startOne(pool, keepAliveMs);
  }

  // Scale to zero: idle instances past their keep-alive are destroyed. Expiries differ per
  // instance (the policy decides each), so the whole (short) idle list is scanned.
  #reapIdle(): void {
    const now = this.#options.clock();
    for (const pool of this.#pools.values()) {
      for (let i = pool.idle.length - 1; i >= 0; i--) {
        const entry = pool.idle[i] as IdleEntry;
        if (entry.expiresAt > now) continue;
        pool.idle.splice(i, 1);
        this.#destroy(pool, entry.instance);
      }
      this.#forgetIfEmpty(pool);
    }
  }
}
