// The platform's Prometheus metrics (prom-client). Invocation metrics follow the
// OpenTelemetry FaaS semantic conventions (faas.invocations, faas.errors, faas.timeouts,
// faas.coldstarts, faas.invoke_duration, faas.init_duration, faas.mem_usage) in
// Prometheus form: dots as underscores, `_total` on counters, the unit on histograms.
// Counters move as invocation events arrive; gauges are read at scrape time.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { InvocationEvents } from '../invoke/invocation-events.js';
import type { PlatformBacklog } from '../store/usage-ports.js';
import type { Clock } from '../util/time.js';

export interface MetricsSources {
  readonly invocations: InvocationEvents;
  readonly clock: Clock;
  /** Instances per function (`account/region/name`): live (incl. starting), idle, starting, waiting calls. */
  readonly instances: () => readonly { readonly functionId: string; readonly live: number; readonly idle: number; readonly starting: number; readonly waiting: number }[];
  /** Invocations running now on this node. */
  readonly inFlight: () => number;
  readonly reservePool: () => { readonly size: number; readonly available: number } | undefined;
  readonly backlog: () => Promise<PlatformBacklog>;
}

export interface PlatformMetrics {
  readonly contentType: string;
  /** The text exposition of every metric. */
  render(): Promise<string>;
  /** Stops listening to invocations; idempotent. */
  dispose(): void;
}

const LABELS = ['function', 'trigger'] as const;
const SECONDS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
const MIB = 1024 * 1024;
const MEMORY_BUCKETS = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 10240].map((mb) => mb * MIB);

export function createPlatformMetrics(sources: MetricsSources): PlatformMetrics {
  const registers = [new Registry()];
  const [registry] = registers as [Registry];
  const counter = (name: string, help: string): Counter<(typeof LABELS)[number]> => new Counter({ name, help, labelNames: LABELS, registers });
  const invocations = counter('faas_invocations_total', 'Invocations that ran (OTel faas.invocations).');
  const errors = counter('faas_errors_total', 'Invocations that failed: function errors, timeouts, crashes, out of memory (OTel faas.errors).');
  const timeouts = counter('faas_timeouts_total', 'Invocations stopped at their timeout (OTel faas.timeouts).');
  const coldStarts = counter('faas_coldstarts_total', 'Invocations that started a new instance (OTel faas.coldstarts).');
  const throttles = counter('nimbus_throttles_total', 'Invocations refused with 429 by a concurrency limit.');
  const duration = new Histogram({ name: 'faas_invoke_duration_seconds', help: 'Invocation duration (OTel faas.invoke_duration).', labelNames: LABELS, buckets: SECONDS_BUCKETS, registers });
  const initDuration = new Histogram({ name: 'faas_init_duration_seconds', help: 'INIT duration of cold starts (OTel faas.init_duration).', labelNames: LABELS, buckets: SECONDS_BUCKETS, registers });
  const memory = new Histogram({ name: 'faas_mem_usage_bytes', help: 'Peak memory of an invocation (OTel faas.mem_usage).', labelNames: LABELS, buckets: MEMORY_BUCKETS, registers });

  // The label children per function and trigger, made once: prom-client hashes a label
  // object on every inc() and observe() otherwise (four of them on every invocation).
  type CounterChild = ReturnType<typeof invocations.labels>;
  type HistogramChild = ReturnType<typeof duration.labels>;
  type Children = {
    invocations: CounterChild; errors: CounterChild; timeouts: CounterChild; coldStarts: CounterChild; throttles: CounterChild;
    duration: HistogramChild; initDuration: HistogramChild; memory: HistogramChild;
  };
  const children = new Map<string, Children>();
  const childrenOf = (fn: string, trigger: string): Children => {
    const key = `${fn}\u0000${trigger}`;
    let found = children.get(key);
    if (found === undefined) {
      const labels = { function: fn, trigger };
      found = {
        invocations: invocations.labels(labels), errors: errors.labels(labels), timeouts: timeouts.labels(labels), coldStarts: coldStarts.labels(labels),
        throttles: throttles.labels(labels), duration: duration.labels(labels), initDuration: initDuration.labels(labels), memory: memory.labels(labels),
      };
      children.set(key, found);
    }
    return found;
  };
  const unsubscribe = sources.invocations.subscribe((record) => {
    const of = childrenOf(record.key.name, record.trigger);
    if (record.outcome === 'throttled') {
      of.throttles.inc();
      return;
    }
    of.invocations.inc();
    if (record.outcome !== 'success') of.errors.inc();
    if (record.outcome === 'timeout') of.timeouts.inc();
    if (record.startType === 'cold') of.coldStarts.inc();
    of.duration.observe(record.durationMs / 1000);
    if (record.initDurationMs !== undefined) of.initDuration.observe(record.initDurationMs / 1000);
    of.memory.observe(record.maxMemoryUsedMb * MIB);
  });

  new Gauge({ name: 'nimbus_concurrent_executions', help: 'Invocations running now.', registers, collect() { this.set(sources.inFlight()); } });
  new Gauge({
    name: 'nimbus_instances', help: 'Execution environments per function: busy, idle, starting.', labelNames: ['function', 'state'], registers,
    collect() {
      this.reset();
      for (const f of sources.instances()) {
        const name = f.functionId.split('/')[2] ?? f.functionId;
        this.inc({ function: name, state: 'busy' }, Math.max(0, f.live - f.idle - f.starting));
        this.inc({ function: name, state: 'idle' }, f.idle);
        this.inc({ function: name, state: 'starting' }, f.starting);
      }
    },
  });
  new Gauge({
    name: 'nimbus_invocations_waiting', help: 'Calls waiting for an instance, per function.', labelNames: ['function'], registers,
    collect() {
      this.reset();
      for (const f of sources.instances()) this.inc({ function: f.functionId.split('/')[2] ?? f.functionId }, f.waiting);
    },
  });
  new Gauge({ name: 'nimbus_reserve_pool_size', help: 'Configured size of the reserve pool of started generic runtimes.', registers, collect() { this.set(sources.reservePool()?.size ?? 0); } });
  new Gauge({ name: 'nimbus_reserve_pool_available', help: 'Started generic runtimes ready to be claimed.', registers, collect() { this.set(sources.reservePool()?.available ?? 0); } });
  // One backlog read per scrape, shared by the gauges below.
  let backlog: Promise<PlatformBacklog> | undefined;
  const readBacklog = (): Promise<PlatformBacklog> => (backlog ??= sources.backlog().finally(() => setImmediate(() => (backlog = undefined))));
  new Gauge({ name: 'nimbus_async_queue_depth', help: 'Async events accepted and not yet settled.', registers, async collect() { this.set((await readBacklog()).asyncDepth); } });
  new Gauge({
    name: 'nimbus_async_queue_oldest_age_seconds', help: 'Age of the oldest unsettled async event.', registers,
    async collect() {
      const oldest = (await readBacklog()).asyncOldestAt;
      this.set(oldest === undefined ? 0 : Math.max(0, (sources.clock() - oldest) / 1000));
    },
  });
  new Gauge({
    name: 'nimbus_sqs_queue_messages', help: 'Messages in each SQS queue (visible, in flight or delayed).', labelNames: ['queue'], registers,
    async collect() {
      this.reset();
      for (const q of (await readBacklog()).queues) this.set({ queue: q.name }, q.messages);
    },
  });

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    dispose: unsubscribe,
  };
}
