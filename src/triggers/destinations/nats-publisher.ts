// Publishes destination records on a NATS subject. When a JetStream stream captures the
// subject the record is published through JetStream and the stream's ack awaited (it is
// stored); otherwise it is a core NATS publish, flushed to the server, which reaches only
// subscribers connected at that moment. Which applies is looked up per subject and cached
// briefly, so a stream added later is used within a minute.
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { LazyConnection, withTimeout } from './publish-timeout.js';

const STREAM_LOOKUP_TTL_MS = 60_000;

interface Session {
  readonly nc: NatsConnection;
  /** Undefined when the server has no JetStream. */
  readonly jsm: JetStreamManager | undefined;
  readonly js: JetStreamClient;
}

export class NatsPublisher {
  readonly #connection: LazyConnection<Session>;
  readonly #timeoutMs: number;
  readonly #streams = new Map<string, { stream: string | undefined; until: number }>();

  constructor(url: string, timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#connection = new LazyConnection(async () => {
      const nc = await connect({ servers: url.split(','), name: 'nimbus-destinations', timeout: timeoutMs, maxReconnectAttempts: -1 });
      void nc.closed().then(() => this.#connection.reset());
      const jsm = await jetstreamManager(nc, { timeout: timeoutMs }).catch(() => undefined);
      return { nc, jsm, js: jetstream(nc, { timeout: timeoutMs }) };
    });
  }

  async publish(subject: string, body: Buffer): Promise<void> {
    const session = await withTimeout(this.#connection.get(), this.#timeoutMs, 'connecting to NATS');
    const stream = await this.#streamOf(session, subject);
    if (stream !== undefined) {
      await session.js.publish(subject, body, { timeout: this.#timeoutMs });
      return;
    }
    session.nc.publish(subject, body);
    await withTimeout(session.nc.flush(), this.#timeoutMs, `publishing on NATS subject ${subject}`);
  }

  async close(): Promise<void> {
    const session = await this.#connection.take();
    await session?.nc.drain().catch(() => session.nc.close());
  }

  async #streamOf(session: Session, subject: string): Promise<string | undefined> {
    if (session.jsm === undefined) return undefined;
    const cached = this.#streams.get(subject);
    if (cached !== undefined && cached.until > Date.now()) return cached.stream;
    let stream: string | undefined;
    try {
      stream = await session.jsm.streams.find(subject);
    } catch (err) {
      if (!/no stream matches subject/i.test(String((err as Error).message))) throw err;
    }
    this.#streams.set(subject, { stream, until: Date.now() + STREAM_LOOKUP_TTL_MS });
    return stream;
  }
}
