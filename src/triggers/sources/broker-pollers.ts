// Keeps one BrokerPoller per enabled broker mapping (docs/event-sources.md): a change
// through the API (or a hint from another node) re-applies the mapping — a new revision
// restarts its poller with the new settings (the batch in flight finishes first), a
// disabled or deleted mapping stops it. Changes of one mapping are applied one after
// another, in order. At start every mapping is applied, so a restart resumes every
// enabled mapping where its source's checkpoint left off.
//
// In cluster mode (deps.leases) a mapping is polled by the one node holding work lease
// `broker:<uuid>`; every node re-applies every mapping each rebalance period, which renews
// its own leases, takes over those a dead node let expire, and picks up changes made
// through other nodes (the same pattern as src/triggers/sqs/sqs-pollers.ts).
//
// States: idle → running (start) → stopped (dispose: pollers stopped, batches finished).
import type { InvokeService } from '../../invoke/invoke-service.js';
import type { BrokerMappingRecord, BrokerMappingRepository } from '../../store/broker-mapping-ports.js';
import type { Clock } from '../../util/time.js';
import { RESULT } from './batch-delivery.js';
import { BrokerPoller, type PauseTimes } from './broker-poller.js';
import type { SourcePlugin } from './source-plugin.js';
import { KeyedChain } from '../../util/keyed-chain.js';
import { startRebalancing, stopLeasedPollers } from '../leased-pollers.js';

export interface BrokerPollersDeps {
  readonly repository: BrokerMappingRepository;
  /** The plugins by kind (src/triggers/sources/registry.ts; tests add their own). */
  readonly plugins: readonly SourcePlugin[];
  readonly invoker: Pick<InvokeService, 'invoke'>;
  /** Sends to an SQS queue of the platform by ARN (the OnFailure destination); throws when it cannot. */
  readonly sendToQueue: (queueArn: string, body: string) => Promise<void>;
  readonly clock: Clock;
  readonly onError: (err: unknown) => void;
  /** Cluster mode: one node at a time polls a mapping (src/cluster/work-leases.ts). */
  readonly leases?: {
    hold(name: string, ms: number): Promise<boolean>;
    release(name: string): Promise<void>;
  };
  /** Cluster mode: how often every mapping is re-applied (lease renewal and take-over). */
  readonly rebalanceMs?: number;
  /** Tests shorten these. */
  readonly pauses?: Partial<PauseTimes>;
  readonly retryDelayMs?: (attempt: number) => number;
  readonly idleMs?: number;
}

const DEFAULT_REBALANCE_MS = 3000;
/** A lease outlives a few missed renewals, so a busy node does not lose its mappings. */
const LEASE_PERIODS = 4;
const DEFAULT_PAUSES: PauseTimes = { throttled: 500, missing: 5000, failed: 1000 };
/** 1 s, 2 s, 4 s … capped at 30 s between retries of a failed batch. */
const defaultRetryDelay = (attempt: number): number => Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 5));
const DEFAULT_IDLE_MS = 5000;
export const brokerLeaseName = (uuid: string): string => `broker:${uuid}`;

export type BrokerPollersState = 'idle' | 'running' | 'stopped';

export class BrokerPollers {
  readonly #deps: BrokerPollersDeps;
  readonly #plugins: ReadonlyMap<string, SourcePlugin>;
  readonly #pollers = new Map<string, BrokerPoller>();
  /** The tail of each mapping's chain of changes being applied. */
  /** Each mapping's changes, applied one after another. */
  readonly #applying: KeyedChain;
  #state: BrokerPollersState = 'idle';
  #rebalance: NodeJS.Timeout | undefined;

  constructor(deps: BrokerPollersDeps) {
    this.#deps = deps;
    this.#applying = new KeyedChain(deps.onError);
    this.#plugins = new Map(deps.plugins.map((p) => [p.kind, p]));
  }

  get state(): BrokerPollersState {
    return this.#state;
  }

  /** The plugin of a kind, if one is registered. */
  plugin(kind: string): SourcePlugin | undefined {
    return this.#plugins.get(kind);
  }

  get kinds(): readonly string[] {
    return [...this.#plugins.keys()].sort();
  }

  /** Whether this node polls the mapping now. */
  polling(uuid: string): boolean {
    return this.#pollers.has(uuid);
  }

  /** Records waiting in the mapping's source, when this node polls it and the source can tell. */
  async lag(uuid: string): Promise<number | undefined> {
    return this.#pollers.get(uuid)?.lag();
  }

  async start(): Promise<void> {
    this.#state = 'running';
    await this.#applyAll();
    this.#rebalance = startRebalancing(this.#deps.leases, this.#deps.rebalanceMs ?? DEFAULT_REBALANCE_MS, () => this.#applyAll(), this.#deps.onError);
  }

  async #applyAll(): Promise<void> {
    const uuids = new Set([...(await this.#deps.repository.all()).map((m) => m.uuid), ...this.#pollers.keys()]);
    for (const uuid of uuids) void this.changed(uuid);
    await this.#applying.settled();
  }

  /** A mapping was created, changed or deleted (here or on another node). Resolves once applied. */
  changed(uuid: string): Promise<void> {
    if (this.#state !== 'running') return Promise.resolve();
    return this.#applying.run(uuid, () => this.#apply(uuid));
  }

  /**
   * The mapping was deleted: its poller stops, then the plugin drops what it kept for it
   * (a consumer group, a replication slot). Best effort: a failure is reported, not retried.
   */
  async forget(mapping: BrokerMappingRecord): Promise<void> {
    await this.changed(mapping.uuid);
    const plugin = this.#plugins.get(mapping.kind);
    if (plugin?.forget === undefined) return;
    try {
      await plugin.forget(plugin.parseConfig(JSON.parse(mapping.sourceConfig)), { mappingId: mapping.uuid, onError: this.#deps.onError });
    } catch (err) {
      this.#deps.onError(new Error(`could not clean up the ${mapping.kind} source of deleted mapping ${mapping.uuid}: ${err instanceof Error ? err.message : String(err)}`));
    }
  }

  /** Stops every poller; resolves once their running batches have finished. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearInterval(this.#rebalance);
    await this.#applying.settled();
    await stopLeasedPollers(this.#pollers, this.#deps.leases, brokerLeaseName);
  }

  async #apply(uuid: string): Promise<void> {
    if (this.#state !== 'running') return;
    const mapping = await this.#deps.repository.get(uuid);
    if (mapping?.enabled === true && (await this.#mine(uuid))) {
      const running = this.#pollers.get(uuid);
      if (running?.mapping.revision === mapping.revision) return;
      if (running) await this.#stopPoller(uuid, false);
      this.#run(mapping);
    } else {
      await this.#stopPoller(uuid, true);
    }
  }

  /** Whether this node polls the mapping: always on a single node; the lease holder in a cluster. */
  async #mine(uuid: string): Promise<boolean> {
    const leases = this.#deps.leases;
    if (leases === undefined) return true;
    return leases.hold(brokerLeaseName(uuid), (this.#deps.rebalanceMs ?? DEFAULT_REBALANCE_MS) * LEASE_PERIODS);
  }

  #run(mapping: BrokerMappingRecord): void {
    const report = (uuid: string, result: string, error: string | undefined): void => {
      this.#deps.repository.setResult(uuid, result, error).catch(this.#deps.onError);
    };
    const plugin = this.#plugins.get(mapping.kind);
    if (plugin === undefined) {
      report(mapping.uuid, RESULT.config, `no plugin serves kind '${mapping.kind}' (known: ${this.kinds.join(', ')})`);
      return;
    }
    let config: unknown;
    try {
      config = plugin.parseConfig(JSON.parse(mapping.sourceConfig));
    } catch (err) {
      report(mapping.uuid, RESULT.config, err instanceof Error ? err.message : String(err));
      return;
    }
    const { invoker, sendToQueue, clock, onError } = this.#deps;
    const poller = new BrokerPoller({
      delivery: { invoke: (request) => invoker.invoke(request), sendToQueue, clock, retryDelayMs: this.#deps.retryDelayMs ?? defaultRetryDelay },
      clock, pauses: { ...DEFAULT_PAUSES, ...this.#deps.pauses }, idleMs: this.#deps.idleMs ?? DEFAULT_IDLE_MS, report, onError,
    }, mapping, plugin, config);
    this.#pollers.set(mapping.uuid, poller);
    poller.start();
  }

  async #stopPoller(uuid: string, releaseLease: boolean): Promise<void> {
    const poller = this.#pollers.get(uuid);
    if (!poller) return;
    this.#pollers.delete(uuid);
    await poller.stop();
    if (releaseLease) await this.#deps.leases?.release(brokerLeaseName(uuid));
  }
}
