// The nats (JetStream) source against a real NATS server: order, ack, release (nak), the
// durable consumer as checkpoint across a restart, competing readers of one mapping, config
// errors, event shape.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { natsSource, type NatsConfig } from '../../src/triggers/sources/nats.js';
import type { SourceContext, SourceRecord } from '../../src/triggers/sources/source-plugin.js';
import { requireService } from '../helpers/services.js';
import { closeEndsWaitingRead, never, readUntil, readersCompete, waitingReadWakesAndAborts } from './reader-checks.js';

const SERVER = process.env.NIMBUS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const skip = await requireService('NATS', 4222);
let nc: NatsConnection | undefined;
let js: JetStreamClient;
let jsm: JetStreamManager;
if (!skip) {
  nc = await connect({ servers: SERVER });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
}
const streams: string[] = [];

after(async () => {
  if (!nc) return;
  for (const s of streams) await jsm.streams.delete(s).catch(() => undefined);
  await nc.close();
});

async function fixture(overrides: Partial<Record<keyof NatsConfig, unknown>> = {}): Promise<{ config: NatsConfig; context: SourceContext; subject: string }> {
  const stream = `nimbus_test_${randomBytes(6).toString('hex')}`;
  streams.push(stream);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const config = natsSource.parseConfig({ servers: SERVER, stream, deliverPolicy: 'all', ...overrides });
  return { config, context: { mappingId: randomUUID(), onError: (err) => assert.fail(err as Error) }, subject: `${stream}.orders` };
}

async function publish(subject: string, ...bodies: string[]): Promise<void> {
  for (const b of bodies) await js.publish(subject, b);
}

const bodies = (records: readonly SourceRecord[]): string[] =>
  records.map((r) => Buffer.from((r.payload as { data: string }).data, 'base64').toString());

test('nats source', { skip }, async (t) => {
  await t.test('reads in order, ack removes them, event shape', async () => {
    const { config, context, subject } = await fixture();
    const h = headers();
    h.set('trace', 'x1');
    await js.publish(subject, 'a', { headers: h });
    await publish(subject, 'b', 'c');
    const reader = await natsSource.open(config, context);
    try {
      assert.equal(await reader.lag!(), 3);
      const records = await readUntil(reader, 3);
      assert.deepEqual(bodies(records), ['a', 'b', 'c']);
      assert.deepEqual(records.map((r) => r.id), ['1', '2', '3']);
      const [event] = (natsSource.event(records.slice(0, 2), config) as { Records: Record<string, unknown>[] }).Records;
      assert.ok(typeof event!.timestamp === 'number' && Math.abs(event!.timestamp - Date.now()) < 60_000);
      assert.deepEqual({ ...event, timestamp: 0 }, {
        eventSource: 'nimbus:nats',
        stream: config.stream,
        subject,
        sequence: 1,
        data: Buffer.from('a').toString('base64'),
        headers: { trace: ['x1'] },
        timestamp: 0,
        redelivered: false,
      });
      assert.equal('headers' in (records[1]!.payload as object), false);
      await reader.ack(records);
      assert.deepEqual(await reader.read(10, 100, never()), []);
      const info = await jsm.consumers.info(config.stream, `nimbus-${context.mappingId}`);
      assert.equal(info.num_ack_pending, 0);
      assert.equal(info.num_pending, 0);
    } finally {
      await reader.close();
    }
  });

  await t.test('new (the default) skips what was there; a waiting read returns what arrives and ends on abort', async () => {
    const { config, context, subject } = await fixture({ deliverPolicy: undefined });
    await publish(subject, 'old');
    const reader = await natsSource.open(config, context);
    try {
      await waitingReadWakesAndAborts(reader, (values) => publish(subject, ...values), bodies);
    } finally {
      await reader.close();
    }
  });

  await t.test('the subject filter keeps other subjects out', async () => {
    const { config, context, subject } = await fixture();
    const filtered = natsSource.parseConfig({ ...config, subject });
    await publish(`${config.stream}.other`, 'x');
    await publish(subject, 'y');
    const reader = await natsSource.open(filtered, context);
    try {
      assert.deepEqual(bodies(await reader.read(10, 500, never())), ['y']);
    } finally {
      await reader.close();
    }
  });

  await t.test('close ends a waiting read with no records', async () => {
    const { config, context } = await fixture();
    await closeEndsWaitingRead(() => natsSource.open(config, context));
  });

  await t.test('released records are delivered again, marked redelivered; in-flight ones are not', async () => {
    const { config, context, subject } = await fixture();
    await publish(subject, 'a', 'b');
    const reader = await natsSource.open(config, context);
    try {
      const first = await reader.read(1, 1000, never());
      assert.deepEqual(bodies(first), ['a']);
      assert.deepEqual(bodies(await reader.read(10, 200, never())), ['b'], 'a is in flight, not read again');
      await reader.release(first);
      const again = await readUntil(reader, 1);
      assert.deepEqual(bodies(again), ['a']);
      assert.equal((again[0]!.payload as { redelivered: boolean }).redelivered, true);
    } finally {
      await reader.close();
    }
  });

  await t.test('after a restart, unacked records come again (after ack wait) and acked ones do not', async () => {
    const { config, context, subject } = await fixture({ ackWaitSeconds: 1 });
    await publish(subject, 'a', 'b', 'c');
    const before = await natsSource.open(config, context);
    const records = await readUntil(before, 3);
    await before.ack(records.slice(0, 1));
    await before.close();
    const afterRestart = await natsSource.open(config, context);
    try {
      const again = await afterRestart.read(10, 3000, never());
      const more = await afterRestart.read(10, 500, never());
      assert.deepEqual(bodies([...again, ...more]), ['b', 'c']);
      await afterRestart.ack([...again, ...more]);
      await publish(subject, 'd');
      assert.deepEqual(bodies(await afterRestart.read(10, 1000, never())), ['d']);
    } finally {
      await afterRestart.close();
    }
  });

  await t.test('two readers of one mapping compete for records', async () => {
    const { config, context, subject } = await fixture();
    const one = await natsSource.open(config, context);
    const two = await natsSource.open(config, context);
    try {
      await readersCompete(one, two, (values) => publish(subject, ...values), bodies);
    } finally {
      await one.close();
      await two.close();
    }
  });

  await t.test('forget deletes the mapping\'s durable consumer', async () => {
    const { config, context } = await fixture();
    const reader = await natsSource.open(config, context);
    await reader.close();
    await natsSource.forget!(config, context);
    const consumers = await jsm.consumers.list(config.stream).next();
    assert.equal(consumers.length, 0);
  });
});

test('nats config errors name the field', () => {
  const ok = { servers: 'nats://localhost:4222', stream: 'orders' };
  assert.deepEqual(natsSource.parseConfig(ok), { servers: ['nats://localhost:4222'], stream: 'orders', deliverPolicy: 'new', ackWaitSeconds: 60 });
  assert.deepEqual(natsSource.parseConfig({ ...ok, servers: ['nats://a:1', 'tls://b:2'] }).servers, ['nats://a:1', 'tls://b:2']);
  for (const [raw, field] of [
    [{ stream: 'orders' }, 'servers'],
    [{ ...ok, servers: 'http://x' }, 'servers'],
    [{ ...ok, servers: [] }, 'servers'],
    [{ servers: ok.servers }, 'stream'],
    [{ ...ok, stream: 'a.b' }, 'stream'],
    [{ ...ok, subject: '' }, 'subject'],
    [{ ...ok, durable: 'x y' }, 'durable'],
    [{ ...ok, deliverPolicy: 'last' }, 'deliverPolicy'],
    [{ ...ok, ackWaitSeconds: 0 }, 'ackWaitSeconds'],
  ] as const) {
    assert.throws(() => natsSource.parseConfig(raw), (err: Error) => err.name === 'InvalidParameterValueException' && err.message.startsWith(`${field}`), field);
  }
});
