// One leader per job across the cluster: the node that holds a session-level advisory lock
// on its own connection. If the leader dies (even kill -9) PostgreSQL drops its session
// and with it the lock, and another node takes it at its next try; a leader that loses
// its connection stops leading at once. The lock key is derived from the schema and the
// job name, so clusters in different schemas of one database do not contend.
import type pg from 'pg';
import { DedicatedConnection } from './dedicated-connection.js';

export interface LeadershipOptions {
  readonly connection: pg.ClientConfig;
  readonly schema: string;
  /** What is led (e.g. `schedules`). */
  readonly job: string;
  readonly onChange: (leading: boolean) => void;
  readonly onError: (err: unknown) => void;
  readonly retryMs?: number;
}

export class Leadership {
  readonly #o: LeadershipOptions;
  readonly #conn: DedicatedConnection;
  #leading = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: LeadershipOptions) {
    this.#o = options;
    this.#conn = new DedicatedConnection({
      connection: options.connection,
      onConnect: (client) => this.#contend(client),
      onDisconnect: () => this.#set(false),
      onError: options.onError,
    });
  }

  get leading(): boolean {
    return this.#leading;
  }

  async start(): Promise<void> {
    await this.#conn.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#set(false);
    await this.#conn.stop(); // ending the session releases the lock
  }

  async #contend(client: pg.Client): Promise<void> {
    clearTimeout(this.#timer);
    if (this.#stopped || this.#conn.client !== client) return;
    const key = `nimbus:${this.#o.schema}:${this.#o.job}`;
    const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [key]);
    if (result.rows[0]?.locked === true) {
      this.#set(true);
      return;
    }
    this.#timer = setTimeout(() => {
      this.#contend(client).catch(this.#o.onError);
    }, this.#o.retryMs ?? 1000);
    this.#timer.unref();
  }

  #set(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#o.onChange(leading);
  }
}
