// One producer per broker / CDC source kind for bench/event-sources.ts: creates a fresh
// stream, queue, subject or table under a unique name, gives the event source's settings
// for it, sends bodies as fast as its client library allows (nothing awaited one by one:
// the library pipelines them), and removes what it created. Each body carries its own send
// time, stamped just before the library is handed it. Not a test.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { connect as amqpConnect } from 'amqplib';
import { Redis } from 'ioredis';
import { connectAsync } from 'mqtt';
import pg from 'pg';

export const SERVICES = {
  postgres: process.env.NIMBUS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  redis: 'redis://127.0.0.1:6379',
  rabbitmq: 'amqp://guest:guest@127.0.0.1:5672',
  nats: 'nats://127.0.0.1:4222',
  mqtt: 'mqtt://127.0.0.1:1883',
} as const;

/** Epoch ms with sub-ms precision, comparable with the function's stamp on this machine. */
export const now = (): number => performance.timeOrigin + performance.now();

/** A body: `<label>:<send time>`; the function logs it back unchanged. */
export const body = (label: string): string => `${label}:${now()}`;

export interface Producer {
  readonly kind: string;
  /** The event source's `source` settings for what setup() created. */
  readonly source: Record<string, unknown>;
  /** At most this many records in the measured burst, when the source cannot hold more waiting for one reader. */
  readonly maxRecords?: number;
  /** Sends one body per label, stamping each just before handing it over; resolves once the source has them all. */
  send(labels: readonly string[]): Promise<void>;
  /** Removes the stream, queue or table (the event source's own consumer, group or slot goes with the mapping). */
  dispose(): Promise<void>;
}

async function redisStream(name: string): Promise<Producer> {
  const redis = new Redis(SERVICES.redis, { lazyConnect: true });
  await redis.connect();
  return {
    kind: 'redis-stream',
    source: { url: SERVICES.redis, stream: name, startingPosition: 'TRIM_HORIZON' },
    async send(labels) {
      await Promise.all(labels.map((l) => redis.xadd(name, '*', 'm', body(l))));
    },
    async dispose() {
      await redis.del(name);
      redis.disconnect();
    },
  };
}

async function rabbitMq(name: string): Promise<Producer> {
  const connection = await amqpConnect(SERVICES.rabbitmq);
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(name, { durable: false });
  return {
    kind: 'rabbitmq',
    source: { url: SERVICES.rabbitmq, queue: name },
    async send(labels) {
      for (const l of labels) channel.sendToQueue(name, Buffer.from(body(l)));
      await channel.waitForConfirms();
    },
    async dispose() {
      await channel.deleteQueue(name);
      await connection.close();
    },
  };
}

async function nats(name: string): Promise<Producer> {
  const nc = await natsConnect({ servers: SERVICES.nats });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${name}.>`] });
  const js = jetstream(nc);
  return {
    kind: 'nats',
    source: { servers: SERVICES.nats, stream: name, deliverPolicy: 'all' },
    async send(labels) {
      await Promise.all(labels.map((l) => js.publish(`${name}.bench`, body(l))));
    },
    async dispose() {
      await jsm.streams.delete(name);
      await nc.close();
    },
  };
}

/** Mosquitto's default max_queued_messages: a larger burst to one waiting session is partly dropped. */
export const MQTT_MAX_RECORDS = 1000;

async function mqtt(name: string): Promise<Producer> {
  const client = await connectAsync(SERVICES.mqtt, { protocolVersion: 5 });
  const topic = `${name}/bench`;
  return {
    kind: 'mqtt',
    source: { url: SERVICES.mqtt, topics: [topic], qos: 1 },
    // Mosquitto's defaults: 20 QoS 1 messages in flight to a session and 1000 more queued;
    // beyond that it drops them, and the event source holds PUBACKs until a batch is done.
    maxRecords: MQTT_MAX_RECORDS,
    async send(labels) {
      await Promise.all(labels.map((l) => client.publishAsync(topic, body(l), { qos: 1 })));
    },
    async dispose() {
      await client.endAsync(); // nothing retained; the session ends with the mapping
    },
  };
}

/** Rows are INSERTed ROWS_PER_TRANSACTION at a time (one multi-row INSERT, autocommit) over CONNECTIONS connections. */
const ROWS_PER_TRANSACTION = 10;
const CONNECTIONS = 4;

async function postgresCdc(name: string): Promise<Producer> {
  const pool = new pg.Pool({ connectionString: SERVICES.postgres, max: CONNECTIONS });
  await pool.query(`CREATE TABLE ${name} (id BIGSERIAL PRIMARY KEY, m TEXT NOT NULL)`); // generated name, not user input
  return {
    kind: 'postgres-cdc',
    source: { url: SERVICES.postgres, tables: [name], streamViewType: 'NEW_IMAGE' },
    async send(labels) {
      const groups: string[][] = [];
      for (let i = 0; i < labels.length; i += ROWS_PER_TRANSACTION) groups.push(labels.slice(i, i + ROWS_PER_TRANSACTION));
      let next = 0;
      await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
        while (next < groups.length) {
          const group = groups[next++] ?? [];
          const placeholders = group.map((_, i) => `($${i + 1})`).join(', ');
          await pool.query(`INSERT INTO ${name} (m) VALUES ${placeholders}`, group.map(body));
        }
      }));
    },
    async dispose() {
      await pool.query(`DROP TABLE IF EXISTS ${name}`);
      await pool.end();
    },
  };
}

/** The producers, in report order; `tag` makes every name unique to this run. */
export const PRODUCERS: readonly { readonly kind: string; readonly port: number; readonly make: (tag: string) => Promise<Producer> }[] = [
  { kind: 'postgres-cdc', port: 5432, make: (tag) => postgresCdc(`nimbus_bench_cdc_${tag}`) },
  { kind: 'redis-stream', port: 6379, make: (tag) => redisStream(`nimbus-bench-${tag}`) },
  { kind: 'rabbitmq', port: 5672, make: (tag) => rabbitMq(`nimbus-bench-${tag}`) },
  { kind: 'nats', port: 4222, make: (tag) => nats(`NIMBUS_BENCH_${tag}`) },
  { kind: 'mqtt', port: 1883, make: (tag) => mqtt(`nimbus-bench/${tag}`) },
];
