// Cluster membership: each node writes a row when it starts and refreshes its heartbeat
// every few seconds; a node whose heartbeat is older than the dead-after time is gone
// (kill -9, a lost machine) and its work is taken over through lease expiry. A clean
// stop marks the row stopped at once, so the others rebalance without waiting.
import type { Pg } from '../store/postgres/database.js';
import type { Clock } from '../util/time.js';

export interface NodeRecord {
  readonly nodeId: string;
  readonly url: string;
  readonly version: string;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  readonly alive: boolean;
}

export interface NodeRegistryOptions {
  readonly db: Pg;
  readonly nodeId: string;
  readonly url: () => string;
  readonly version: string;
  readonly clock: Clock;
  readonly heartbeatMs?: number;
  /** A node without a heartbeat for this long is dead. */
  readonly deadAfterMs?: number;
  readonly onError: (err: unknown) => void;
  /** Called when the set of live nodes changed (joined, stopped, died). */
  readonly onMembershipChange?: (live: readonly string[]) => void;
}

export const DEFAULT_HEARTBEAT_MS = 2000;
export const DEFAULT_DEAD_AFTER_MS = 10_000;

interface NodeRow { node_id: string; url: string; version: string; started_at: number; heartbeat_at: number; stopped_at: number | null }

export class NodeRegistry {
  readonly #o: NodeRegistryOptions;
  #timer: NodeJS.Timeout | undefined;
  #live: readonly string[] = [];

  constructor(options: NodeRegistryOptions) {
    this.#o = options;
  }

  get nodeId(): string {
    return this.#o.nodeId;
  }

  /** Live node ids in sorted order, as of the last heartbeat (this node included). */
  get live(): readonly string[] {
    return this.#live;
  }

  async start(): Promise<void> {
    const now = this.#o.clock();
    await this.#o.db.run(
      `INSERT INTO cluster_nodes (node_id, url, version, started_at, heartbeat_at, stopped_at) VALUES ($1, $2, $3, $4, $4, NULL)
       ON CONFLICT (node_id) DO UPDATE SET url = $2, version = $3, started_at = $4, heartbeat_at = $4, stopped_at = NULL`,
      [this.#o.nodeId, this.#o.url(), this.#o.version, now],
    );
    await this.#beat();
    this.#schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#o.db.run('UPDATE cluster_nodes SET stopped_at = $2 WHERE node_id = $1', [this.#o.nodeId, this.#o.clock()]);
  }

  /** Every node known, live ones first; rows of nodes stopped or dead for a day are pruned. */
  async list(): Promise<readonly NodeRecord[]> {
    const now = this.#o.clock();
    const rows = await this.#o.db.rows<NodeRow>('SELECT * FROM cluster_nodes ORDER BY node_id');
    return rows
      .map((r) => ({
        nodeId: r.node_id, url: r.url, version: r.version, startedAt: r.started_at, heartbeatAt: r.heartbeat_at,
        alive: r.stopped_at === null && now - r.heartbeat_at < this.#deadAfter(),
      }))
      .sort((a, b) => Number(b.alive) - Number(a.alive));
  }

  #deadAfter(): number {
    return this.#o.deadAfterMs ?? DEFAULT_DEAD_AFTER_MS;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      this.#beat().catch(this.#o.onError).finally(() => {
        if (this.#timer !== undefined) this.#schedule();
      });
    }, this.#o.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    this.#timer.unref();
  }

  async #beat(): Promise<void> {
    const now = this.#o.clock();
    await this.#o.db.run('UPDATE cluster_nodes SET heartbeat_at = $2, url = $3, stopped_at = NULL WHERE node_id = $1', [this.#o.nodeId, now, this.#o.url()]);
    await this.#o.db.run('DELETE FROM cluster_nodes WHERE heartbeat_at < $1', [now - 86_400_000]);
    const rows = await this.#o.db.rows<{ node_id: string }>(
      'SELECT node_id FROM cluster_nodes WHERE stopped_at IS NULL AND heartbeat_at >= $1 ORDER BY node_id',
      [now - this.#deadAfter()],
    );
    const live = rows.map((r) => r.node_id);
    const changed = live.length !== this.#live.length || live.some((id, i) => id !== this.#live[i]);
    this.#live = live;
    if (changed) this.#o.onMembershipChange?.(live);
  }
}
