// One node of a cluster: its membership row and heartbeat, the bus of hints to the other
// nodes, leadership per job, work leases and reserved-concurrency slots — everything a node
// shares with the others through the PostgreSQL database (docs/cluster.md).
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { FunctionEvent, FunctionEvents } from '../control/functions/function-events.js';
import type { Pg } from '../store/postgres/database.js';
import type { Clock } from '../util/time.js';
import { ClusterBus, type ClusterHint } from './cluster-bus.js';
import { ConcurrencySlots } from './concurrency-slots.js';
import { Leadership } from './leadership.js';
import { NodeRegistry } from './node-registry.js';
import { PostgresWorkLeases } from './work-leases.js';

export interface ClusterNodeOptions {
  readonly db: Pg;
  /** Unique per running node; default: host name and a random suffix. */
  readonly nodeId?: string | undefined;
  /** The node's API URL as other nodes and operators reach it (known once it listens). */
  readonly url: () => string;
  readonly version: string;
  readonly clock: Clock;
  readonly onError: (err: unknown) => void;
  readonly log: (line: string) => void;
}

type HintListener = (hint: ClusterHint) => void;

export class ClusterNode {
  readonly nodeId: string;
  readonly registry: NodeRegistry;
  readonly leases: PostgresWorkLeases;
  readonly slots: ConcurrencySlots;
  readonly #o: ClusterNodeOptions;
  readonly #bus: ClusterBus;
  readonly #listeners = new Set<HintListener>();
  readonly #resyncListeners = new Set<() => void>();
  readonly #leaderships: Leadership[] = [];

  constructor(options: ClusterNodeOptions) {
    this.#o = options;
    this.nodeId = options.nodeId ?? `${os.hostname()}-${randomBytes(4).toString('hex')}`;
    this.registry = new NodeRegistry({
      db: options.db, nodeId: this.nodeId, url: options.url, version: options.version, clock: options.clock, onError: options.onError,
      onMembershipChange: (live) => options.log(`cluster: ${live.length} live node(s): ${live.join(', ')}`),
    });
    this.leases = new PostgresWorkLeases(options.db, this.nodeId, options.clock);
    this.slots = new ConcurrencySlots(options.db, this.nodeId, options.clock, options.onError);
    this.#bus = new ClusterBus({
      connection: options.db.connection, schema: options.db.schema, nodeId: this.nodeId, onError: options.onError,
      onHint: (hint) => {
        for (const listener of this.#listeners) listener(hint);
      },
      onResync: () => {
        options.log('cluster: reconnected to the database; dropping cached function state');
        for (const listener of this.#resyncListeners) listener();
      },
    });
  }

  async start(): Promise<void> {
    await this.#bus.start();
    await this.registry.start();
  }

  /** Leaves the cluster: leaderships and leases given back, the row marked stopped. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.#leaderships.map((l) => l.stop()));
    await this.leases.releaseAll().catch(this.#o.onError);
    await this.registry.stop().catch(this.#o.onError);
    await this.#bus.stop();
  }

  publish(hint: ClusterHint): void {
    this.#bus.publish(hint);
  }

  onHint(listener: HintListener): void {
    this.#listeners.add(listener);
  }

  /** Called after the bus reconnected: hints may have been missed. */
  onResync(listener: () => void): void {
    this.#resyncListeners.add(listener);
  }

  /** Contends for leadership of `job`; `onChange` says when this node starts or stops leading. */
  async lead(job: string, onChange: (leading: boolean) => void): Promise<void> {
    const leadership = new Leadership({
      connection: this.#o.db.connection, schema: this.#o.db.schema, job, onError: this.#o.onError,
      onChange: (leading) => {
        this.#o.log(`cluster: ${leading ? 'now leading' : 'no longer leading'} ${job}`);
        onChange(leading);
      },
    });
    this.#leaderships.push(leadership);
    await leadership.start();
  }

  /**
   * Function changes made on this node go to the others, and theirs arrive here as local
   * events (so caches drop and old instances retire everywhere).
   */
  bridgeFunctionEvents(events: FunctionEvents): void {
    let replaying = false;
    events.subscribe((event) => {
      if (!replaying && event.kind !== 'settle-failed') this.publish({ kind: 'function', event });
    });
    this.onHint((hint) => {
      if (hint.kind !== 'function') return;
      replaying = true;
      try {
        events.publish(hint.event as FunctionEvent);
      } finally {
        replaying = false;
      }
    });
  }
}
