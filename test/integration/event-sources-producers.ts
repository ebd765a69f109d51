// One producer per event source kind, for the end-to-end tests of every kind
// (event-sources-all.test.ts): how to make a fresh source object, put records with an
// ordinal body in it, the mapping's source JSON, and clean-up. Every source is made so that
// records produced BEFORE the mapping exists are delivered (a pre-created replication slot,
// a pre-created MQTT session, a stream read from its start), which keeps the tests free of
// "is the reader up yet" races. A body is `"<n>"`, or `"<n>:fail"` for a record the test
// function throws on. Also the wait for a failure record, shared with event-sources.test.ts.
import { randomBytes } from 'node:crypto';
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { connect as amqpConnect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect as natsConnect, type NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { connectAsync as mqttConnect } from 'mqtt';
import pg from 'pg';
import { parsePostgresCdcConfig } from '../../src/triggers/sources/postgres-cdc-config.js';
import { dropReplication } from '../../src/triggers/sources/postgres-cdc-setup.js';
import { freshSchema, requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import { requireService } from '../helpers/services.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const RABBIT_URL = process.env.NIMBUS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env.NIMBUS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const MQTT_URL = process.env.NIMBUS_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

export interface TestSource {
  /** The mapping's source settings (`--source-json`). */
  readonly config: Record<string, unknown>;
  /** Puts the records in the source, in this order. */
  produce(bodies: readonly string[]): Promise<void>;
}

export interface Producer {
  readonly kind: string;
  /** false, or why the tests of this kind are skipped (its server is not answering; never under CI=true). */
  skip(): Promise<string | false>;
  /** A fresh source object named after `name`, empty. */
  create(name: string): Promise<TestSource>;
  /** Removes every object `create` made (after the platform stopped reading them) and disconnects. */
  cleanUp(): Promise<void>;
}

/** The payload fields the bodies live in, per kind (the records of the event and of a failure record). */
interface AnyRecord {
  readonly fields?: { readonly body: string };
  readonly dynamodb?: { readonly NewImage: { readonly body: { readonly S: string } } };
  readonly data?: string;
  readonly payload?: string;
}

/**
 * A record's body, whatever its kind: redis-stream fields, postgres-cdc's NewImage, the
 * base64 data (rabbitmq, nats) or payload (mqtt). Plain JavaScript after compilation: the test
 * function embeds it with toString(), so the test and the function decode alike.
 */
export function bodyOf(record: AnyRecord): string {
  if (record.fields !== undefined) return record.fields.body;
  if (record.dynamodb !== undefined) return record.dynamodb.NewImage.body.S;
  return Buffer.from(record.data ?? record.payload ?? '', 'base64').toString();
}

/** The first message of the failure destination queue, parsed, or undefined after `timeoutMs`. */
export async function receiveFailureRecord(sqs: SQSClient, queueUrl: string, timeoutMs = 30_000): Promise<Record<string, unknown> | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    const body = got.Messages?.[0]?.Body;
    if (body !== undefined) return JSON.parse(body) as Record<string, unknown>;
  }
  return undefined;
}

const unique = (name: string): string => `nimbus_e2e_${name}_${randomBytes(4).toString('hex')}`;

function redisProducer(): Producer {
  let redis: Redis | undefined;
  const streams: string[] = [];
  return {
    kind: 'redis-stream',
    skip: () => requireService('Redis', 6379),
    create(name) {
      redis ??= new Redis(REDIS_URL);
      const stream = unique(name);
      streams.push(stream);
      return Promise.resolve({
        config: { url: REDIS_URL, stream, startingPosition: 'TRIM_HORIZON' },
        async produce(bodies) {
          for (const body of bodies) await redis!.xadd(stream, '*', 'body', body);
        },
      });
    },
    async cleanUp() {
      if (redis === undefined) return;
      if (streams.length > 0) await redis.del(...streams);
      redis.disconnect();
    },
  };
}

function postgresProducer(): Producer {
  const schema = freshSchema('nimbus_e2e');
  let db: pg.Pool | undefined;
  const made: { slot: string; publication: string }[] = [];
  return {
    kind: 'postgres-cdc',
    skip: () => requirePostgres(),
    async create(name) {
      if (db === undefined) {
        db = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 2 });
        await db.query(`CREATE SCHEMA ${schema}`);
      }
      const table = unique(name);
      await db.query(`CREATE TABLE ${schema}.${table} (id int PRIMARY KEY, body text NOT NULL)`);
      // A publication and a slot made now capture every INSERT from here on, before the mapping exists.
      await db.query(`CREATE PUBLICATION ${table} FOR TABLE ${schema}.${table}`);
      await db.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [table]);
      made.push({ slot: table, publication: table });
      return {
        config: { url: TEST_POSTGRES_URL, publication: table, slot: table },
        async produce(bodies) {
          // One transaction per record, as an application writing rows one by one.
          for (const body of bodies) await db!.query(`INSERT INTO ${schema}.${table} (id, body) VALUES ($1, $2)`, [Number.parseInt(body, 10), body]);
        },
      };
    },
    async cleanUp() {
      if (db === undefined) return;
      for (const { slot, publication } of made) {
        await dropReplication(parsePostgresCdcConfig({ url: TEST_POSTGRES_URL, publication, slot }), 'unused');
        await db.query(`DROP PUBLICATION IF EXISTS ${publication}`);
      }
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    },
  };
}

function rabbitProducer(): Producer {
  let producer: { connection: ChannelModel; channel: ConfirmChannel } | undefined;
  const queues: string[] = [];
  return {
    kind: 'rabbitmq',
    skip: () => requireService('RabbitMQ', 5672),
    async create(name) {
      if (producer === undefined) {
        const connection = await amqpConnect(RABBIT_URL);
        producer = { connection, channel: await connection.createConfirmChannel() };
      }
      const queue = unique(name);
      queues.push(queue);
      await producer.channel.assertQueue(queue, { durable: false });
      return {
        config: { url: RABBIT_URL, queue },
        async produce(bodies) {
          for (const body of bodies) producer!.channel.sendToQueue(queue, Buffer.from(body));
          await producer!.channel.waitForConfirms();
        },
      };
    },
    async cleanUp() {
      if (producer === undefined) return;
      for (const queue of queues) await producer.channel.deleteQueue(queue);
      await producer.connection.close();
    },
  };
}

function natsProducer(): Producer {
  let nats: { nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager } | undefined;
  const streams: string[] = [];
  return {
    kind: 'nats',
    skip: () => requireService('NATS', 4222),
    async create(name) {
      if (nats === undefined) {
        const nc = await natsConnect({ servers: NATS_URL });
        nats = { nc, js: jetstream(nc), jsm: await jetstreamManager(nc) };
      }
      const stream = unique(name);
      streams.push(stream);
      await nats.jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
      return {
        // A short ack wait: what a killed platform had taken comes again within seconds.
        config: { servers: NATS_URL, stream, deliverPolicy: 'all', ackWaitSeconds: 5 },
        async produce(bodies) {
          for (const body of bodies) await nats!.js.publish(`${stream}.records`, body);
        },
      };
    },
    async cleanUp() {
      if (nats === undefined) return;
      for (const stream of streams) await nats.jsm.streams.delete(stream).catch(() => undefined);
      await nats.nc.close();
    },
  };
}

function mqttProducer(): Producer {
  const sessions: string[] = [];
  let publisher: Awaited<ReturnType<typeof mqttConnect>> | undefined;
  return {
    kind: 'mqtt',
    skip: () => requireService('MQTT broker', 1883),
    async create(name) {
      publisher ??= await mqttConnect(MQTT_URL, { protocolVersion: 5 });
      const topic = `nimbus-e2e/${unique(name)}`;
      const clientId = unique(name);
      sessions.push(clientId);
      // The mapping's persistent session, subscribed now: the broker keeps what is published until it connects.
      const session = await mqttConnect(MQTT_URL, { protocolVersion: 5, clientId, clean: false, properties: { sessionExpiryInterval: 3600 } });
      await session.subscribeAsync(topic, { qos: 1 });
      await session.endAsync();
      return {
        config: { url: MQTT_URL, topics: [topic], qos: 1, clientId },
        async produce(bodies) {
          for (const body of bodies) await publisher!.publishAsync(topic, body, { qos: 1 });
        },
      };
    },
    async cleanUp() {
      for (const clientId of sessions) {
        // A clean start with no expiry ends the session and whatever it still queues.
        const ender = await mqttConnect(MQTT_URL, { protocolVersion: 5, clientId, clean: true, properties: { sessionExpiryInterval: 0 } });
        await ender.endAsync();
      }
      await publisher?.endAsync();
    },
  };
}

/** Every kind the platform ships, with its producer. */
export function producers(): Producer[] {
  return [postgresProducer(), redisProducer(), rabbitProducer(), natsProducer(), mqttProducer()];
}
