// Reserved concurrency across the cluster. A function with reserved concurrency L has L
// slot rows; an invocation on any node takes a free one (FOR UPDATE SKIP LOCKED, so two
// nodes never take the same) for at most its timeout plus a margin, and gives it back when
// it ends. A node that dies holding slots loses them when they expire. Functions without
// reserved concurrency never touch the table: the invoke path pays nothing for them.
import type { Pg } from '../store/postgres/database.js';
import type { Clock } from '../util/time.js';

export interface ClusterConcurrency {
  /** Takes a slot of `functionId`'s `limit` for up to `holdMs`; undefined when all are taken. */
  acquire(functionId: string, limit: number, holdMs: number): Promise<(() => void) | undefined>;
}

export class ConcurrencySlots implements ClusterConcurrency {
  readonly #db: Pg;
  readonly #nodeId: string;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  /** The limit whose rows exist, per function (rows beyond a lowered limit are never taken). */
  readonly #prepared = new Map<string, number>();

  constructor(db: Pg, nodeId: string, clock: Clock, onError: (err: unknown) => void) {
    this.#db = db;
    this.#nodeId = nodeId;
    this.#clock = clock;
    this.#onError = onError;
  }

  async acquire(functionId: string, limit: number, holdMs: number): Promise<(() => void) | undefined> {
    if (limit <= 0) return undefined;
    if ((this.#prepared.get(functionId) ?? 0) < limit) {
      await this.#db.run(
        `INSERT INTO concurrency_slots (function_id, slot) SELECT $1, s FROM generate_series(0, $2 - 1) AS s ON CONFLICT DO NOTHING`,
        [functionId, limit],
      );
      this.#prepared.set(functionId, limit);
    }
    const now = this.#clock();
    const row = await this.#db.row<{ slot: number }>(
      `UPDATE concurrency_slots SET holder = $3, until = $4
       WHERE (function_id, slot) = (
         SELECT function_id, slot FROM concurrency_slots
         WHERE function_id = $1 AND slot < $2 AND (holder IS NULL OR until < $5)
         ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING slot`,
      [functionId, limit, this.#nodeId, now + holdMs, now],
    );
    if (row === undefined) return undefined;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#db
        .run('UPDATE concurrency_slots SET holder = NULL, until = NULL WHERE function_id = $1 AND slot = $2 AND holder = $3', [functionId, row.slot, this.#nodeId])
        .catch(this.#onError);
    };
  }
}
