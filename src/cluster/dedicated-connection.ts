// A PostgreSQL connection of the node's own, outside the pool, for what lives as long as a
// session: LISTEN, and session advisory locks (leadership). When it drops (the server
// restarted, the network blinked) it is opened again with backoff and `onConnect` runs
// again, so listeners re-LISTEN and leaders re-contend; `onDisconnect` says that what the
// session held (a lock) is gone.
import pg from 'pg';

export interface DedicatedConnectionOptions {
  readonly connection: pg.ClientConfig;
  readonly onConnect: (client: pg.Client) => Promise<void>;
  readonly onDisconnect?: () => void;
  readonly onError: (err: unknown) => void;
}

const BACKOFF_MS = [200, 500, 1000, 2000, 5000];

export class DedicatedConnection {
  readonly #o: DedicatedConnectionOptions;
  #client: pg.Client | undefined;
  #stopped = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(options: DedicatedConnectionOptions) {
    this.#o = options;
  }

  /** The open client, if connected. */
  get client(): pg.Client | undefined {
    return this.#client;
  }

  /** Connects (the first attempt's failure is thrown; later ones retry in the background). */
  async start(): Promise<void> {
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(this.#o.connection);
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, undefined));
    await client.connect();
    this.#client = client;
    await this.#o.onConnect(client);
    this.#failures = 0;
  }

  #lost(client: pg.Client, err: Error | undefined): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    this.#o.onDisconnect?.();
    if (this.#stopped) return;
    if (err) this.#o.onError(err);
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const delay = BACKOFF_MS[Math.min(this.#failures, BACKOFF_MS.length - 1)] as number;
    this.#failures++;
    this.#retry = setTimeout(() => {
      if (this.#stopped) return;
      this.#connect().catch((err: unknown) => {
        this.#o.onError(err);
        this.#scheduleRetry();
      });
    }, delay);
    this.#retry.unref();
  }
}
