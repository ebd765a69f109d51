// Hints between nodes over PostgreSQL LISTEN/NOTIFY: "function X changed" (so every node
// drops cached specs and retires old instances), "queue N has a message" (so a long poll
// on another node wakes at once), "schedules changed" (the leader's ticker looks again) and
// "mapping changed" (whoever polls it applies the change now), "routes changed" (every
// node drops its compiled route table) and "function URLs changed" (every node drops the
// configs it serves from memory).
// Hints only speed things up or keep caches fresh: the state itself is in the database,
// and each receiver also polls. A node's own hints come back to it and are skipped.
import type pg from 'pg';
import { DedicatedConnection } from './dedicated-connection.js';

export type ClusterHint =
  | { readonly kind: 'function'; readonly event: unknown }
  | { readonly kind: 'queue'; readonly queueId: number }
  /** Schedules changed: the leader's ticker looks again. */
  | { readonly kind: 'schedules' }
  /** An event source mapping changed: its poller (wherever it runs) applies it now. */
  | { readonly kind: 'mapping'; readonly uuid: string }
  /** An HTTP API route table was written: nodes drop their compiled copy. */
  | { readonly kind: 'routes'; readonly account: string; readonly region: string }
  /** A function URL config was written: nodes drop the configs they serve from memory. */
  | { readonly kind: 'function-urls' };

interface Envelope {
  readonly from: string;
  readonly hint: ClusterHint;
}

export interface ClusterBusOptions {
  readonly connection: pg.ClientConfig;
  readonly schema: string;
  readonly nodeId: string;
  readonly onHint: (hint: ClusterHint) => void;
  /** The connection came back after a drop: hints may have been missed meanwhile. */
  readonly onResync: () => void;
  readonly onError: (err: unknown) => void;
}

/** NOTIFY payloads are limited to 8000 bytes; bigger hints are dropped (they are hints). */
const MAX_PAYLOAD = 7900;

export class ClusterBus {
  readonly #o: ClusterBusOptions;
  readonly #channel: string;
  readonly #conn: DedicatedConnection;
  #connectedOnce = false;

  constructor(options: ClusterBusOptions) {
    this.#o = options;
    this.#channel = `nimbus_${options.schema}`.slice(0, 63);
    this.#conn = new DedicatedConnection({
      connection: options.connection,
      onConnect: async (client) => {
        client.on('notification', (message) => this.#receive(message.channel, message.payload));
        await client.query(`LISTEN "${this.#channel}"`);
        if (this.#connectedOnce) this.#o.onResync();
        this.#connectedOnce = true;
      },
      onError: options.onError,
    });
  }

  async start(): Promise<void> {
    await this.#conn.start();
  }

  async stop(): Promise<void> {
    await this.#conn.stop();
  }

  /** Sends a hint to every other node (best effort, never throws). */
  publish(hint: ClusterHint): void {
    const payload = JSON.stringify({ from: this.#o.nodeId, hint } satisfies Envelope);
    const client = this.#conn.client;
    if (client === undefined || Buffer.byteLength(payload) > MAX_PAYLOAD) return;
    client.query('SELECT pg_notify($1, $2)', [this.#channel, payload]).catch(this.#o.onError);
  }

  #receive(channel: string, payload: string | undefined): void {
    if (channel !== this.#channel || payload === undefined) return;
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return;
    }
    if (envelope.from === this.#o.nodeId) return;
    this.#o.onHint(envelope.hint);
  }
}
