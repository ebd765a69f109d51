// NATS JetStream as an event source (kind `nats`): a durable pull consumer per mapping with
// explicit acks, so the consumer's ack floor is the checkpoint and several readers of one
// mapping share its messages. Release naks a message (the server delivers it again at
// once); what a closed or crashed reader left unacknowledged is delivered again when the
// consumer's ack wait runs out.
import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import { pull, parseDelivery } from './nats-pull.js';
import { parseSourceConfig } from './source-config.js';
import type { SourceContext, SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';

export interface NatsConfig {
  readonly servers: readonly string[];
  readonly stream: string;
  /** Only messages whose subject matches this filter. */
  readonly subject?: string | undefined;
  /** Durable consumer name; `nimbus-<mappingId>` unless given. */
  readonly durable?: string | undefined;
  /** Where a new consumer starts: the stream's first message, or only messages published from now on. */
  readonly deliverPolicy: 'all' | 'new';
  readonly ackWaitSeconds: number;
}

export interface NatsRecord {
  readonly eventSource: 'nimbus:nats';
  readonly stream: string;
  readonly subject: string;
  readonly sequence: number;
  /** The message body, base64 (as Lambda's Kafka and Amazon MQ events carry theirs). */
  readonly data: string;
  readonly headers?: Record<string, string[]>;
  readonly timestamp: number;
  readonly redelivered: boolean;
}

const serverUrl = z.string().regex(/^(nats|tls):\/\/./, 'a nats:// or tls:// URL');
// Stream and consumer names end up in subjects: no dots, spaces or wildcards.
const jetStreamName = z.string().regex(/^[^.\s*>]+$/, 'a name without dots, spaces, * or >');

const configSchema = z.object({
  servers: z.union([serverUrl.transform((s) => [s]), z.array(serverUrl).min(1)]),
  stream: jetStreamName,
  subject: z.string().min(1).optional(),
  durable: jetStreamName.optional(),
  deliverPolicy: z.enum(['all', 'new']).default('new'),
  ackWaitSeconds: z.number().int().positive().default(60),
});

function parseConfig(raw: unknown): NatsConfig {
  return parseSourceConfig(configSchema, raw);
}

export function natsDurable(config: NatsConfig, mappingId: string): string {
  return config.durable ?? `nimbus-${mappingId}`;
}

function toRecord(msg: Msg): SourceRecord {
  const delivery = parseDelivery(msg.reply!);
  let headers: Record<string, string[]> | undefined;
  if (msg.headers !== undefined) {
    headers = {};
    for (const [key, values] of msg.headers) headers[key] = values;
  }
  const payload: NatsRecord = {
    eventSource: 'nimbus:nats',
    stream: delivery.stream,
    subject: msg.subject,
    sequence: delivery.streamSequence,
    data: Buffer.from(msg.data).toString('base64'),
    ...(headers === undefined ? {} : { headers }),
    timestamp: delivery.timestampMs,
    redelivered: delivery.deliveryCount > 1,
  };
  return { id: String(delivery.streamSequence), orderKey: undefined, payload, timestamp: delivery.timestampMs };
}

/** Creates the mapping's durable consumer, or binds to it when it exists. */
async function ensureConsumer(jsm: JetStreamManager, config: NatsConfig, durable: string): Promise<void> {
  try {
    await jsm.consumers.info(config.stream, durable);
    return;
  } catch (err) {
    if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
  }
  await jsm.consumers.add(config.stream, {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: config.deliverPolicy === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
    ack_wait: config.ackWaitSeconds * 1_000_000_000,
    ...(config.subject === undefined ? {} : { filter_subject: config.subject }),
  });
}

async function connectTo(config: NatsConfig, context: SourceContext): Promise<NatsConnection> {
  const nc = await connect({ servers: [...config.servers], name: `nimbus-${context.mappingId}` });
  void nc.closed().then((err) => {
    if (err) context.onError(err);
  });
  return nc;
}

async function open(config: NatsConfig, context: SourceContext): Promise<SourceReader> {
  const durable = natsDurable(config, context.mappingId);
  const nc = await connectTo(config, context);
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
    await ensureConsumer(jsm, config, durable);
  } catch (err) {
    await nc.close();
    throw err;
  }
  /** Messages read and neither acked nor naked yet, by record id (stream sequence). */
  const inFlight = new Map<string, Msg>();
  const closing = new AbortController();

  const respond = async (records: readonly SourceRecord[], reply: '+ACK' | '-NAK'): Promise<void> => {
    for (const r of records) {
      const msg = inFlight.get(r.id);
      if (msg === undefined) continue;
      inFlight.delete(r.id);
      nc.publish(msg.reply!, reply);
    }
    await nc.flush();
  };

  const take = (msgs: Msg[]): SourceRecord[] => {
    const records = msgs.map(toRecord);
    msgs.forEach((m, i) => inFlight.set(records[i]!.id, m));
    return records;
  };

  return {
    async read(max, waitMs, signal) {
      if (closing.signal.aborted || signal.aborted) return [];
      const stop = AbortSignal.any([signal, closing.signal]);
      const now = await pull(nc, config.stream, durable, { batch: max }, stop);
      if (now.length > 0 || waitMs <= 0) return take(now);
      const first = await pull(nc, config.stream, durable, { batch: 1, waitMs }, stop);
      if (first.length === 0 || max === 1) return take(first);
      const rest = await pull(nc, config.stream, durable, { batch: max - 1 }, stop);
      return take([...first, ...rest]);
    },
    ack: (records) => respond(records, '+ACK'),
    release: (records) => respond(records, '-NAK'),
    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      await nc.close();
    },
    async lag() {
      return (await jsm.consumers.info(config.stream, durable)).num_pending;
    },
  };
}

/** Deletes the durable consumer when it is the mapping's own (one the user named may be shared). */
async function forget(config: NatsConfig, context: SourceContext): Promise<void> {
  if (config.durable !== undefined) return;
  const nc = await connectTo(config, context);
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.delete(config.stream, natsDurable(config, context.mappingId));
  } finally {
    await nc.close();
  }
}

export const natsSource: SourcePlugin<NatsConfig> = {
  kind: 'nats',
  parseConfig,
  open,
  event(records) {
    return { Records: records.map((r) => r.payload) };
  },
  forget,
};
