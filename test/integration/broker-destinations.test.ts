// Async destinations on message brokers, end to end: a real server configured with the
// NATS, RabbitMQ and Redis URLs delivers Lambda's destination record of an Event invoke to a
// NATS subject (core and JetStream), a RabbitMQ exchange (default and named) and a Redis
// stream, where a plain consumer of that broker reads it; a destination whose broker is not
// configured, or whose ARN is malformed, is refused when it is set.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { InvokeCommand, PutFunctionEventInvokeConfigCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect as connectNats, type NatsConnection } from '@nats-io/transport-node';
import { connect as connectAmqp, type Channel, type ChannelModel } from 'amqplib';
import { Redis } from 'ioredis';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { requireService } from '../helpers/services.js';

const NATS_URL = process.env.NIMBUS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const RABBITMQ_URL = process.env.NIMBUS_TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const REDIS_URL = process.env.NIMBUS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const skipNats = await requireService('NATS', 4222);
const skipRabbitmq = await requireService('RabbitMQ', 5672);
const skipRedis = await requireService('Redis', 6379);

const OK = `exports.handler = async (event) => ({ doubled: event.n * 2 });\n`;
const FAILS = `exports.handler = async () => { throw new Error('nothing works'); };\n`;
const FUNCTION_ARN = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:${name}:$LATEST`;
const unique = (): string => `nimbus_dest_${randomBytes(5).toString('hex')}`;

/** Lambda's destination record, as JSON. */
type DestinationRecord = Record<string, unknown>;

let server: RunningServer;
let lambda: LambdaClient;
let nc: NatsConnection | undefined;
let jsm: JetStreamManager | undefined;
let amqp: { connection: ChannelModel; channel: Channel } | undefined;
let redis: Redis | undefined;
const cleanups: Array<() => Promise<unknown>> = [];

before(async () => {
  const args = [
    ...(skipNats ? [] : ['--destination-nats-url', NATS_URL]),
    ...(skipRabbitmq ? [] : ['--destination-rabbitmq-url', RABBITMQ_URL]),
    ...(skipRedis ? [] : ['--destination-redis-url', REDIS_URL]),
    '--async-retry-delays-seconds', '0,0',
  ];
  server = await startServer({ args });
  lambda = server.lambda();
  await deploy(lambda, 'ok', { 'index.js': OK });
  await deploy(lambda, 'fails', { 'index.js': FAILS });
  if (!skipNats) {
    nc = await connectNats({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
  }
  if (!skipRabbitmq) {
    const connection = await connectAmqp(RABBITMQ_URL);
    amqp = { connection, channel: await connection.createChannel() };
  }
  if (!skipRedis) redis = new Redis(REDIS_URL);
});

after(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
  await nc?.close();
  await amqp?.connection.close();
  redis?.disconnect();
  await server?.dispose();
});

async function setDestinations(name: string, destinations: { onSuccess?: string; onFailure?: string }): Promise<void> {
  await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: name, MaximumRetryAttempts: 0,
    DestinationConfig: {
      ...(destinations.onSuccess ? { OnSuccess: { Destination: destinations.onSuccess } } : {}),
      ...(destinations.onFailure ? { OnFailure: { Destination: destinations.onFailure } } : {}),
    },
  }));
}

async function invokeEvent(name: string, payload: unknown): Promise<string> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(payload)) }));
  assert.equal(out.StatusCode, 202);
  return out.$metadata.requestId ?? '';
}

async function eventually<T>(what: string, poll: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await poll();
    if (got !== undefined) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: nothing arrived in ${timeoutMs} ms\n${server.output().slice(-2000)}`);
}

/** The whole record: only its timestamp varies. */
function assertSuccess(record: DestinationRecord, requestId: string, n: number): void {
  const { timestamp, ...rest } = record;
  assert.match(String(timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(rest, {
    version: '1.0',
    requestContext: { requestId, functionArn: FUNCTION_ARN('ok'), condition: 'Success', approximateInvokeCount: 1 },
    requestPayload: { n },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    responsePayload: { doubled: n * 2 },
  });
}

function assertFailure(record: DestinationRecord, requestId: string, payload: unknown): void {
  const { timestamp: _, responsePayload, ...rest } = record;
  assert.deepEqual(rest, {
    version: '1.0',
    requestContext: { requestId, functionArn: FUNCTION_ARN('fails'), condition: 'RetriesExhausted', approximateInvokeCount: 1 },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  });
  assert.equal((responsePayload as { errorMessage?: unknown }).errorMessage, 'nothing works');
}

test('a NATS subject no stream captures gets the record by core publish', { skip: skipNats }, async () => {
  const subject = `${unique()}.success`;
  const subscription = nc!.subscribe(subject, { max: 1 });
  await nc!.flush();
  await setDestinations('ok', { onSuccess: `arn:nimbus:nats:::subject/${subject}` });
  const requestId = await invokeEvent('ok', { n: 21 });
  const timer = setTimeout(() => subscription.unsubscribe(), 20_000);
  let received: DestinationRecord | undefined;
  for await (const message of subscription) received = message.json<DestinationRecord>();
  clearTimeout(timer);
  assert.ok(received, `nothing on ${subject}\n${server.output().slice(-2000)}`);
  assertSuccess(received, requestId, 21);
});

test('a NATS subject a JetStream stream captures gets the record stored in the stream', { skip: skipNats }, async () => {
  const stream = unique();
  await jsm!.streams.add({ name: stream, subjects: [`${stream}.>`] });
  cleanups.push(() => jsm!.streams.delete(stream));
  await setDestinations('fails', { onFailure: `arn:nimbus:nats:::subject/${stream}.failures` });
  const requestId = await invokeEvent('fails', { order: 1 });
  const stored = await eventually('JetStream', async () => {
    const info = await jsm!.streams.info(stream);
    return info.state.messages > 0 ? ((await jsm!.streams.getMessage(stream, { seq: info.state.first_seq })) ?? undefined) : undefined;
  });
  assert.equal(stored.subject, `${stream}.failures`);
  assertFailure(stored.json<DestinationRecord>(), requestId, { order: 1 });
});

test('RabbitMQ: the default exchange routes to the queue named by the routing key, persistently', { skip: skipRabbitmq }, async () => {
  const queue = unique();
  await amqp!.channel.assertQueue(queue, { durable: false, autoDelete: false });
  cleanups.push(() => amqp!.channel.deleteQueue(queue));
  await setDestinations('ok', { onSuccess: `arn:nimbus:rabbitmq:::exchange//${queue}` });
  const requestId = await invokeEvent('ok', { n: 4 });
  const message = await eventually('RabbitMQ', async () => (await amqp!.channel.get(queue, { noAck: true })) || undefined);
  assert.equal(message.properties.deliveryMode, 2);
  assert.equal(message.properties.contentType, 'application/json');
  assertSuccess(JSON.parse(message.content.toString('utf8')) as DestinationRecord, requestId, 4);
});

test('RabbitMQ: a named exchange routes the record by its routing key', { skip: skipRabbitmq }, async () => {
  const exchange = unique();
  const queue = unique();
  await amqp!.channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
  await amqp!.channel.assertQueue(queue, { durable: false, autoDelete: false });
  await amqp!.channel.bindQueue(queue, exchange, 'lambda.failed');
  cleanups.push(() => amqp!.channel.deleteQueue(queue), () => amqp!.channel.deleteExchange(exchange));
  await setDestinations('fails', { onFailure: `arn:nimbus:rabbitmq:::exchange/${exchange}/lambda.failed` });
  const requestId = await invokeEvent('fails', { order: 2 });
  const message = await eventually('RabbitMQ', async () => (await amqp!.channel.get(queue, { noAck: true })) || undefined);
  assertFailure(JSON.parse(message.content.toString('utf8')) as DestinationRecord, requestId, { order: 2 });
});

test('a record RabbitMQ refuses is logged and dropped, and the next one is delivered', { skip: skipRabbitmq }, async () => {
  const missing = unique();
  const arn = `arn:nimbus:rabbitmq:::exchange/${missing}/key`;
  await setDestinations('ok', { onSuccess: arn });
  await invokeEvent('ok', { n: 6 });
  await eventually('the log line', () => (server.output().includes(`could not send to ${arn} for ok`) ? true : undefined));
  assert.match(server.output(), new RegExp(`could not send to ${arn} for ok: .*channel`));

  const queue = unique();
  await amqp!.channel.assertQueue(queue, { durable: false, autoDelete: false });
  cleanups.push(() => amqp!.channel.deleteQueue(queue));
  await setDestinations('ok', { onSuccess: `arn:nimbus:rabbitmq:::exchange//${queue}` });
  const requestId = await invokeEvent('ok', { n: 7 });
  const message = await eventually('RabbitMQ', async () => (await amqp!.channel.get(queue, { noAck: true })) || undefined);
  assertSuccess(JSON.parse(message.content.toString('utf8')) as DestinationRecord, requestId, 7);
  assert.equal(server.output().split(`could not send to ${arn}`).length, 2, 'the refused record is not sent again');
});

test('a Redis stream gets the record as the field `record` of one entry', { skip: skipRedis }, async () => {
  const stream = unique();
  cleanups.push(() => redis!.del(stream));
  await setDestinations('ok', { onSuccess: `arn:nimbus:redis:::stream/${stream}` });
  await setDestinations('fails', { onFailure: `arn:nimbus:redis:::stream/${stream}` });
  const okId = await invokeEvent('ok', { n: 5 });
  const entries = await eventually('Redis', async () => {
    const got = await redis!.xrange(stream, '-', '+');
    return got.length > 0 ? got : undefined;
  });
  assert.equal(entries.length, 1);
  const [, fields] = entries[0]!;
  assert.deepEqual(fields.filter((_, i) => i % 2 === 0), ['record']);
  assertSuccess(JSON.parse(fields[1]!) as DestinationRecord, okId, 5);

  const failedId = await invokeEvent('fails', { order: 3 });
  const failure = await eventually('Redis', async () => {
    const got = await redis!.xrange(stream, '-', '+');
    return got.length > 1 ? got[1] : undefined;
  });
  assertFailure(JSON.parse(failure[1][1]!) as DestinationRecord, failedId, { order: 3 });
});

test('a malformed broker ARN is refused when it is set', async () => {
  const refused = await lambda.send(new PutFunctionEventInvokeConfigCommand({
    FunctionName: 'ok', DestinationConfig: { OnSuccess: { Destination: 'arn:nimbus:nats:::subject/orders.*' } },
  })).then(() => undefined, (err: Error) => err);
  assert.equal(refused?.name, 'InvalidParameterValueException');
  assert.match(refused?.message ?? '', /^DestinationConfig\.OnSuccess\.Destination: 'arn:nimbus:nats:::subject\/orders\.\*' is not a valid destination ARN/);
});

test('a broker destination is refused, naming the setting, when the platform has no URL for it', async () => {
  const bare = await startServer();
  try {
    const client = bare.lambda();
    await deploy(client, 'ok', { 'index.js': OK });
    const cases = [
      ['arn:nimbus:nats:::subject/orders', 'destinationNatsUrl'],
      ['arn:nimbus:rabbitmq:::exchange//orders', 'destinationRabbitmqUrl'],
      ['arn:nimbus:redis:::stream/orders', 'destinationRedisUrl'],
    ] as const;
    for (const [arn, setting] of cases) {
      const refused = await client.send(new PutFunctionEventInvokeConfigCommand({
        FunctionName: 'ok', DestinationConfig: { OnFailure: { Destination: arn } },
      })).then(() => undefined, (err: Error) => err);
      assert.equal(refused?.name, 'InvalidParameterValueException', arn);
      assert.match(refused?.message ?? '', new RegExp(`^DestinationConfig\\.OnFailure\\.Destination: .*${setting}`), arn);
    }
  } finally {
    await bare.dispose();
  }
});
