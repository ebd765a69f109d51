// MQTT as an event source (kind `mqtt`, MQTT 5): a persistent session per mapping (a stable
// client id, clean start off, a session that does not expire) subscribed to the mapping's
// topic filters. At QoS 1 the session is the checkpoint: the reader holds back the PUBACK
// of every message until the function is done with it, and the broker sends every message
// not PUBACKed again when the session reconnects — a new reader after a restart or a lost
// connection (which fails this reader: the runtime reopens it), or a release, which
// reconnects the session on purpose (MQTT has no "negative ack"). Messages
// still in flight in another batch when that happens come again with the same packet id and
// are ignored here; their PUBACK follows on the new connection. At QoS 0 delivery is at most
// once: nothing is acknowledged, a release keeps the message for a later read of this
// reader only, and what a reader had not handed out when it stops is lost.
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { z } from 'zod';
import { RecordBuffer } from './record-buffer.js';
import { parseSourceConfig } from './source-config.js';
import type { SourceContext, SourcePlugin, SourceReader, SourceRecord } from './source-plugin.js';

/** A topic filter: `+` fills a whole level, `#` only the whole last level. */
const topicFilter = z.string().min(1).max(65535).refine(
  (filter) => !filter.includes('\u0000') && filter.split('/').every((level, i, levels) =>
    (level === '#' ? i === levels.length - 1 : !level.includes('#')) && (level === '+' || !level.includes('+'))),
  'must be an MQTT topic filter (+ and # stand alone in a level, # only last)',
);

const configSchema = z.object({
  url: z.string().regex(/^(mqtts?|wss?):\/\/./, 'must be an mqtt://, mqtts://, ws:// or wss:// URL'),
  topics: z.array(topicFilter).min(1),
  /** 1: at least once (the default); 0: at most once. */
  qos: z.union([z.literal(0), z.literal(1)]).default(1),
  /** The session's client id; `nimbus-<mappingId>` unless given. */
  clientId: z.string().min(1).max(65535).optional(),
});

export type MqttConfig = z.output<typeof configSchema>;

export interface MqttRecord {
  readonly eventSource: 'nimbus:mqtt';
  readonly topic: string;
  /** The message body, base64. */
  readonly payload: string;
  readonly qos: number;
  readonly retain: boolean;
  /** The packet identifier (QoS 1); null at QoS 0. */
  readonly messageId: number | null;
  /** Epoch ms this reader received it (MQTT carries no send time). */
  readonly timestamp: number;
}

/** Sessions outlive any disconnect; `forget` ends them when the mapping is deleted. */
const SESSION_NEVER_EXPIRES = 0xffffffff;
const CONNECT_TIMEOUT_MS = 10_000;

export function mqttClientId(config: MqttConfig, mappingId: string): string {
  return config.clientId ?? `nimbus-${mappingId}`;
}

/** The marker that tells mqtt.js not to PUBACK now (it reports it as an 'error', which we ignore). */
const HOLD_ACK = new Error('nimbus: PUBACK held until the batch is done');

/** mqtt.js sends packets through this method; it is not in its typings. */
interface PacketSender {
  _sendPacket(packet: { cmd: 'puback'; messageId: number; reasonCode: number }, cb: (err?: Error) => void): void;
}

interface Held {
  readonly record: SourceRecord;
  readonly qos: number;
  /** QoS 1: the packet id to PUBACK, valid only in the session it came from. */
  readonly packetId: number | undefined;
  readonly session: number;
}

class MqttReader implements SourceReader {
  private readonly buffer = new RecordBuffer<Held>();
  /** Handed out by read, not yet acknowledged or released, by record id. */
  private readonly taken = new Map<string, Held>();
  /** Packet ids of the QoS 1 messages in `taken`: the broker resends them on reconnect. */
  private readonly inFlight = new Set<number>();
  /** Clients this reader is ending itself (a release, close): their close is no failure. */
  private readonly ending = new WeakSet<MqttClient>();
  private client!: MqttClient;
  /** Settles when the current client's session is up (or failed). */
  private ready!: Promise<void>;
  private switching: Promise<void> = Promise.resolve();
  private closed = false;
  private sequence = 0;
  /** Counts the broker sessions this reader saw: a session the broker lost takes its packet ids with it. */
  private session = 0;

  constructor(
    private readonly config: MqttConfig,
    private readonly context: SourceContext,
  ) {}

  /** Connects a client to the session; resolves once it is subscribed. */
  start(): Promise<void> {
    const client = connect(this.config.url, this.options());
    this.client = client;
    let first = true;
    this.ready = new Promise<void>((resolve, reject) => {
      client.once('connect', (connack) => {
        // The session resends every QoS 1 message not PUBACKed: the copies still waiting here go.
        if (connack.sessionPresent) this.buffer.clear((held) => held.qos === 0);
        else this.newSession();
        first = false;
        const subscriptions = Object.fromEntries(this.config.topics.map((t) => [t, { qos: this.config.qos, rh: 1 }]));
        client.subscribe(subscriptions, (err, granted) => {
          const refused = granted?.find((g) => g.qos > 2);
          if (err || refused) return reject(err ?? new Error(`MQTT broker refused the subscription to '${refused!.topic}'`));
          resolve();
        });
      });
      client.on('error', (err) => {
        if (err === HOLD_ACK) return;
        if (first) return reject(err);
        this.context.onError(err);
      });
      client.on('close', () => {
        if (first) return reject(new Error('the connection closed before the session was up'));
        if (this.ending.has(client)) return;
        // No reconnecting here: the runtime reopens the reader, and two readers of one session
        // (Mosquitto just closes the older connection) must not take it from each other in a loop.
        client.end(true);
        this.fail(new Error(`MQTT connection of session '${mqttClientId(this.config, this.context.mappingId)}' lost (or taken over by another connection with the same client id)`));
      });
      client.on('message', (topic, payload, packet) => {
        // QoS 0 messages only: QoS 1 ones arrive through customHandleAcks.
        if (packet.qos !== 1) this.receive(topic, payload, packet);
      });
    });
    return this.ready;
  }

  async read(max: number, waitMs: number, signal: AbortSignal): Promise<readonly SourceRecord[]> {
    const held = await this.buffer.take(max, waitMs, signal);
    for (const h of held) {
      this.taken.set(h.record.id, h);
      if (h.packetId !== undefined && h.session === this.session) this.inFlight.add(h.packetId);
    }
    return held.map((h) => h.record);
  }

  async ack(records: readonly SourceRecord[]): Promise<void> {
    const held = this.claim(records).filter((h) => h.packetId !== undefined);
    if (held.length === 0) return;
    await this.switching;
    await this.ready;
    // A PUBACK only means something in the session the message came from (and a connection to send it on).
    const current = held.filter((h) => h.session === this.session);
    if (this.closed || !this.client.connected) return;
    await Promise.all(current.map((h) => this.puback(h.packetId!)));
  }

  async release(records: readonly SourceRecord[]): Promise<void> {
    const held = this.claim(records);
    // QoS 0: nobody else has it; keep it for the next read here.
    this.buffer.putBack(held.filter((h) => h.packetId === undefined));
    if (held.some((h) => h.packetId !== undefined) && !this.closed) {
      this.switching = this.switching.then(() => this.reconnect());
      await this.switching;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer.end();
    this.taken.clear();
    this.inFlight.clear();
    await this.switching.catch(() => undefined);
    await this.end(this.client);
  }

  private options(): IClientOptions {
    return {
      protocolVersion: 5,
      clientId: mqttClientId(this.config, this.context.mappingId),
      clean: false,
      properties: { sessionExpiryInterval: SESSION_NEVER_EXPIRES },
      reconnectPeriod: 0,
      connectTimeout: CONNECT_TIMEOUT_MS,
      resubscribe: false,
      customHandleAcks: (topic, payload, raw, done) => {
        const packet = raw as IPublishPacket;
        if (packet.qos !== 1) return done(0);
        // A resend (after a reconnect) of a message still in flight here: its PUBACK comes when its batch is done.
        if (!this.inFlight.has(packet.messageId!)) this.receive(topic, payload, packet);
        done(HOLD_ACK);
      },
    };
  }

  private receive(topic: string, payload: Buffer, packet: IPublishPacket): void {
    if (this.closed) return;
    const timestamp = Date.now();
    const packetId = packet.qos === 1 ? packet.messageId : undefined;
    const body: MqttRecord = {
      eventSource: 'nimbus:mqtt', topic, payload: payload.toString('base64'), qos: packet.qos, retain: packet.retain, messageId: packetId ?? null, timestamp,
    };
    const id = `${++this.sequence}${packetId === undefined ? '' : `-${packetId}`}`;
    this.buffer.push({ record: { id, orderKey: topic, payload: body, timestamp }, qos: packet.qos, packetId, session: this.session });
  }

  /** The broker has no session for us (first connection, or it lost ours): old packet ids mean nothing now. */
  private newSession(): void {
    this.session++;
    this.inFlight.clear();
  }

  private claim(records: readonly SourceRecord[]): Held[] {
    const held: Held[] = [];
    for (const record of records) {
      const h = this.taken.get(record.id);
      if (h === undefined) continue;
      this.taken.delete(record.id);
      if (h.packetId !== undefined && h.session === this.session) this.inFlight.delete(h.packetId);
      held.push(h);
    }
    return held;
  }

  private puback(messageId: number): Promise<void> {
    return new Promise((resolve, reject) => {
      (this.client as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId, reasonCode: 0 }, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** A new connection to the session: the broker sends again what was not PUBACKed. */
  private async reconnect(): Promise<void> {
    await this.ready.catch(() => undefined);
    await this.end(this.client);
    if (this.closed) return;
    await this.start().catch((err: Error) => this.fail(err));
  }

  private end(client: MqttClient): Promise<void> {
    this.ending.add(client);
    return new Promise((resolve) => client.end(false, {}, () => resolve()));
  }

  private fail(err: Error): void {
    this.buffer.fail(err);
    this.context.onError(err);
  }
}

async function open(config: MqttConfig, context: SourceContext): Promise<SourceReader> {
  const reader = new MqttReader(config, context);
  try {
    await reader.start();
  } catch (err) {
    await reader.close();
    throw new Error(`MQTT broker at ${new URL(config.url).host} did not accept the session: ${(err as Error).message}`);
  }
  return reader;
}

/** Ends the mapping's session on the broker (and the messages it kept). */
async function forget(config: MqttConfig, context: SourceContext): Promise<void> {
  const client = connect(config.url, {
    protocolVersion: 5, clientId: mqttClientId(config, context.mappingId), clean: true, reconnectPeriod: 0, connectTimeout: CONNECT_TIMEOUT_MS,
    properties: { sessionExpiryInterval: 0 },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
  } finally {
    await new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
  }
}

export const mqttSource: SourcePlugin<MqttConfig> = {
  kind: 'mqtt',
  parseConfig: (raw) => parseSourceConfig(configSchema, raw),
  open,
  event: (records) => ({ Records: records.map((r) => r.payload as MqttRecord) }),
  forget,
};
