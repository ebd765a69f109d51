// Keeps one MappingPoller per enabled mapping and moves mappings out of their
// transitional states once the pollers acted on a change (docs/event-source-mappings.md):
//   Creating, Enabling, Updating → poller running with the new settings → Enabled
//   Disabling → poller stopped, its running batches finished → Disabled
//   Deleting  → poller stopped → row removed
// Changes of one mapping are applied one after another, in order. At start every mapping
// is brought to its target state, so a restart resumes every enabled mapping and finishes
// what a crash interrupted. State moves are conditional on the revision they acted on:
// a newer change is never overwritten, it is applied next.
//
// In cluster mode (deps.leases) a mapping is polled by the one node holding its lease; every
// node re-applies every mapping each rebalance period, which renews its own leases, takes
// over those a dead node let expire, and picks up changes made through other nodes.
//
// States: idle → running (start) → stopped (dispose: pollers stopped, batches finished).
import type { FunctionResolver } from '../../invoke/function-resolver.js';
import type { InvokeService } from '../../invoke/invoke-service.js';
import type { MessageService } from '../../queues/message-service.js';
import type { QueueService } from '../../queues/queue-service.js';
import type { ArrivalSignals } from '../../queues/signals.js';
import type { EventSourceMappingRecord, EventSourceMappingRepository } from '../../store/esm-ports.js';
import type { QueueRepository } from '../../store/queue-ports.js';
import type { Clock } from '../../util/time.js';
import { BatchRunner } from './batch-runner.js';
import { MappingPoller, type MappingPollerDeps } from './mapping-poller.js';
import { KeyedChain } from '../../util/keyed-chain.js';
import { startRebalancing, stopLeasedPollers } from '../leased-pollers.js';

export interface SqsPollersDeps {
  readonly repository: EventSourceMappingRepository;
  readonly queues: Pick<QueueService, 'get' | 'findByArn'>;
  readonly messages: Pick<MessageService, 'receive' | 'deleteBatch'>;
  readonly signals: ArrivalSignals;
  /** The queue store, for when the next delayed or in-flight message turns visible. */
  readonly queueStore: Pick<QueueRepository, 'nextVisibleAt'>;
  readonly invoker: Pick<InvokeService, 'invoke'>;
  readonly resolver: Pick<FunctionResolver, 'resolve'>;
  readonly accountConcurrency: number;
  readonly clock: Clock;
  readonly onError: (err: unknown) => void;
  /** Cluster mode: one node at a time polls a mapping (src/cluster/work-leases.ts). */
  readonly leases?: {
    hold(name: string, ms: number): Promise<boolean>;
    release(name: string): Promise<void>;
  };
  /** Cluster mode: how often every mapping is re-applied (lease renewal and take-over). */
  readonly rebalanceMs?: number;
}

const DEFAULT_REBALANCE_MS = 3000;
/** A lease outlives a few missed renewals, so a busy node does not lose its mappings. */
const LEASE_PERIODS = 4;
const leaseName = (uuid: string): string => `esm:${uuid}`;

export type SqsPollersState = 'idle' | 'running' | 'stopped';

export class SqsPollers {
  readonly #deps: SqsPollersDeps;
  readonly #pollerDeps: MappingPollerDeps;
  readonly #pollers = new Map<string, MappingPoller>();
  /** The tail of each mapping's chain of changes being applied. */
  /** Each mapping's changes, applied one after another. */
  readonly #applying: KeyedChain;
  #state: SqsPollersState = 'idle';
  #rebalance: NodeJS.Timeout | undefined;

  constructor(deps: SqsPollersDeps) {
    this.#deps = deps;
    this.#applying = new KeyedChain(deps.onError);
    const { queues, messages, signals, queueStore, invoker, resolver, clock, onError } = deps;
    this.#pollerDeps = {
      collector: { queues, messages, signals, nextVisibleAt: (queueId, now) => queueStore.nextVisibleAt(queueId, now), clock },
      runner: new BatchRunner({ invoke: (request) => invoker.invoke(request), deleteBatch: (key, entries) => messages.deleteBatch(key, entries), onError }),
      reservedConcurrency: async (key, qualifier) => (await resolver.resolve(key, qualifier)).record.reservedConcurrency,
      findQueue: (arn) => queues.findByArn(arn),
      accountConcurrency: deps.accountConcurrency, clock, onError,
      report: (uuid, result) => {
        deps.repository.setLastProcessingResult(uuid, result).catch(onError);
      },
    };
  }

  get state(): SqsPollersState {
    return this.#state;
  }

  /** Workers of a mapping's poller now (0 when it has none). */
  workers(uuid: string): number {
    return this.#pollers.get(uuid)?.workers ?? 0;
  }

  async start(): Promise<void> {
    this.#state = 'running';
    await this.#applyAll();
    this.#rebalance = startRebalancing(this.#deps.leases, this.#deps.rebalanceMs ?? DEFAULT_REBALANCE_MS, () => this.#applyAll(), this.#deps.onError);
  }

  async #applyAll(): Promise<void> {
    for (const mapping of await this.#deps.repository.all()) this.changed(mapping.uuid);
    await this.#applying.settled();
  }

  /** A mapping was created, changed or deleted through the API. */
  changed(uuid: string): void {
    if (this.#state !== 'running') return;
    void this.#applying.run(uuid, () => this.#apply(uuid));
  }

  /** Stops every poller; resolves once their running batches have finished. Idempotent. */
  async dispose(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    clearInterval(this.#rebalance);
    await this.#applying.settled();
    await stopLeasedPollers(this.#pollers, this.#deps.leases, leaseName);
  }

  async #apply(uuid: string): Promise<void> {
    if (this.#state !== 'running') return;
    const mapping = await this.#deps.repository.get(uuid);
    if (!mapping || mapping.state === 'Deleting') {
      await this.#stopPoller(uuid);
      if (mapping) await this.#deps.repository.delete(uuid);
      return;
    }
    if (mapping.enabled) {
      if (await this.#mine(uuid)) this.#run(mapping);
      else await this.#stopPoller(uuid);
      if (mapping.state !== 'Enabled') await this.#deps.repository.settleState(uuid, mapping.revision, 'Enabled');
    } else {
      await this.#stopPoller(uuid);
      if (mapping.state !== 'Disabled') await this.#deps.repository.settleState(uuid, mapping.revision, 'Disabled');
    }
  }

  /** Whether this node polls the mapping: always on a single node; the lease holder in a cluster. */
  async #mine(uuid: string): Promise<boolean> {
    const leases = this.#deps.leases;
    if (leases === undefined) return true;
    return leases.hold(leaseName(uuid), (this.#deps.rebalanceMs ?? DEFAULT_REBALANCE_MS) * LEASE_PERIODS);
  }

  #run(mapping: EventSourceMappingRecord): void {
    const running = this.#pollers.get(mapping.uuid);
    if (running) {
      running.configure(mapping);
      return;
    }
    const poller = new MappingPoller(this.#pollerDeps, mapping);
    this.#pollers.set(mapping.uuid, poller);
    poller.start();
  }

  async #stopPoller(uuid: string): Promise<void> {
    const poller = this.#pollers.get(uuid);
    if (!poller) return;
    this.#pollers.delete(uuid);
    await poller.stop();
    await this.#deps.leases?.release(leaseName(uuid));
  }
}
