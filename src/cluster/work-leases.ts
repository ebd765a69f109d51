// Named pieces of work that one node at a time does (an event source mapping's poller):
// a lease row with an owner and an expiry, renewed while the owner lives. A dead owner's
// lease expires and another node takes it; a node that stops gives its leases back.
import type { Pg } from '../store/postgres/database.js';
import type { Clock } from '../util/time.js';

export interface WorkLeases {
  /** Takes or renews the lease for `ms`; false when another live owner holds it. */
  hold(name: string, ms: number): Promise<boolean>;
  /** Gives a held lease back. */
  release(name: string): Promise<void>;
}

export class PostgresWorkLeases implements WorkLeases {
  readonly #db: Pg;
  readonly #owner: string;
  readonly #clock: Clock;

  constructor(db: Pg, owner: string, clock: Clock) {
    this.#db = db;
    this.#owner = owner;
    this.#clock = clock;
  }

  async hold(name: string, ms: number): Promise<boolean> {
    const now = this.#clock();
    const taken = await this.#db.run(
      `INSERT INTO work_leases (name, owner, until) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET owner = $2, until = $3
       WHERE work_leases.owner = $2 OR work_leases.until < $4`,
      [name, this.#owner, now + ms, now],
    );
    return taken === 1;
  }

  async release(name: string): Promise<void> {
    await this.#db.run('DELETE FROM work_leases WHERE name = $1 AND owner = $2', [name, this.#owner]);
  }

  /** Gives back every lease of this owner (a clean stop). */
  async releaseAll(): Promise<void> {
    await this.#db.run('DELETE FROM work_leases WHERE owner = $1', [this.#owner]);
  }
}
