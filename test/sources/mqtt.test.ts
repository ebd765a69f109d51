// The mqtt source against a real broker (Mosquitto): per-topic order, wildcard filters,
// ack, release (the session reconnects and the broker sends the message again, without
// duplicating another batch still in flight), the persistent session as checkpoint across
// a restart (unacked come again, acked do not), QoS 0 at most once, config errors, event shape.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { connectAsync, type MqttClient } from 'mqtt';
import { mqttClientId, mqttSource, type MqttConfig, type MqttRecord } from '../../src/triggers/sources/mqtt.js';
import type { SourceContext, SourceRecord } from '../../src/triggers/sources/source-plugin.js';
import { requireService } from '../helpers/services.js';
import { closeEndsWaitingRead, never, readUntil, waitingReadWakesAndAborts } from './reader-checks.js';

const URL = process.env.NIMBUS_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const skip = await requireService('MQTT broker', 1883);
let producer: MqttClient | undefined;
const sessions: { config: MqttConfig; context: SourceContext }[] = [];

after(async () => {
  for (const { config, context } of sessions) await mqttSource.forget!(config, context);
  await producer?.endAsync();
});

function fixture(overrides: Record<string, unknown> = {}): { base: string; config: MqttConfig; context: SourceContext } {
  const base = `nimbus-test/${randomBytes(6).toString('hex')}`;
  const config = mqttSource.parseConfig({ url: URL, topics: [`${base}/+/x`, `${base}/all/#`], ...overrides });
  const context: SourceContext = { mappingId: randomUUID(), onError: (err) => assert.fail(err as Error) };
  sessions.push({ config, context });
  return { base, config, context };
}

async function publish(topic: string, bodies: string[], qos: 0 | 1 = 1): Promise<void> {
  producer ??= await connectAsync(URL, { protocolVersion: 5 });
  for (const body of bodies) await producer.publishAsync(topic, body, { qos });
}

const record = (r: SourceRecord): MqttRecord => r.payload as MqttRecord;
const bodies = (records: readonly SourceRecord[]): string[] => records.map((r) => Buffer.from(record(r).payload, 'base64').toString());
const invalid = (message: RegExp): { code: string; message: RegExp } => ({ code: 'InvalidParameterValueException', message });

/** A new reader of the mapping gets nothing: every message was acknowledged. */
async function assertAllAcknowledged(config: MqttConfig, context: SourceContext, why: string): Promise<void> {
  const reader = await mqttSource.open(config, context);
  try {
    assert.deepEqual(await reader.read(10, 500, never()), [], why);
  } finally {
    await reader.close();
  }
}

test('mqtt source', { skip }, async (t) => {
  await t.test('config errors name the field; defaults', () => {
    const parse = (raw: unknown) => (): unknown => mqttSource.parseConfig(raw);
    assert.throws(parse({ url: URL }), invalid(/^topics: is required/));
    assert.throws(parse({ url: URL, topics: [] }), invalid(/^topics: /));
    assert.throws(parse({ url: URL, topics: ['a/#', 'a/#/b'] }), invalid(/^topics\.1: .*topic filter/));
    assert.throws(parse({ url: URL, topics: ['a/b+'] }), invalid(/^topics\.0: /));
    assert.throws(parse({ url: 'http://x', topics: ['a'] }), invalid(/^url: /));
    assert.throws(parse({ url: URL, topics: ['a'], qos: 2 }), invalid(/^qos: /));
    assert.throws(parse({ url: URL, topics: ['a'], clientId: '' }), invalid(/^clientId: /));
    const config = mqttSource.parseConfig({ url: URL, topics: ['a/+/c', '#'] });
    assert.equal(config.qos, 1);
    assert.equal(mqttClientId(config, 'm-1'), 'nimbus-m-1');
    assert.equal(mqttClientId({ ...config, clientId: 'mine' }, 'm-1'), 'mine');
  });

  await t.test('reads what matches the filters in order per topic; ack; acked messages do not come back; event shape', async () => {
    const { base, config, context } = fixture();
    const reader = await mqttSource.open(config, context);
    const before = Date.now();
    try {
      await publish(`${base}/one/x`, ['a', 'b', 'c']);
      await publish(`${base}/all/deep/er`, ['d']);
      await publish(`${base}/one/y`, ['not matched']);
      const records = await readUntil(reader, 4);
      assert.deepEqual(bodies(records), ['a', 'b', 'c', 'd']);
      assert.deepEqual(records.map((r) => r.orderKey), [`${base}/one/x`, `${base}/one/x`, `${base}/one/x`, `${base}/all/deep/er`]);
      assert.equal(new Set(records.map((r) => r.id)).size, 4);
      const first = record(records[0]!);
      assert.ok(first.timestamp >= before && first.timestamp <= Date.now());
      assert.equal(typeof first.messageId, 'number');
      assert.deepEqual(mqttSource.event(records.slice(0, 1), config), {
        Records: [{
          eventSource: 'nimbus:mqtt', topic: `${base}/one/x`, payload: Buffer.from('a').toString('base64'), qos: 1, retain: false,
          messageId: first.messageId, timestamp: first.timestamp,
        }],
      });
      assert.equal(records[0]!.timestamp, first.timestamp);
      await reader.ack(records);
      assert.deepEqual(await reader.read(10, 200, never()), []);
    } finally {
      await reader.close();
      await reader.close();
    }
    await assertAllAcknowledged(config, context, 'acknowledged messages do not come back');
  });

  await t.test('released messages come again, and a batch still in flight is not duplicated', async () => {
    const { base, config, context } = fixture();
    const reader = await mqttSource.open(config, context);
    try {
      await publish(`${base}/t/x`, ['a', 'b', 'c']);
      const one = await readUntil(reader, 1);
      const two = await readUntil(reader, 1);
      assert.deepEqual([...bodies(one), ...bodies(two)], ['a', 'b']);
      await reader.release(one);
      const again = await readUntil(reader, 2);
      assert.deepEqual(bodies(again), ['a', 'c'], 'a again, then c; b is still in flight');
      assert.deepEqual(await reader.read(10, 300, never()), []);
      await reader.ack([...two, ...again]);
    } finally {
      await reader.close();
    }
    await assertAllAcknowledged(config, context, 'all were acknowledged, on the old and the new connection');
  });

  await t.test('closing without ack: the unacked and what came meanwhile reach the next reader, the acked do not', async () => {
    const { base, config, context } = fixture();
    const reader = await mqttSource.open(config, context);
    await publish(`${base}/t/x`, ['a', 'b', 'c', 'd']);
    const records = await readUntil(reader, 4);
    assert.deepEqual(bodies(records), ['a', 'b', 'c', 'd']);
    await reader.ack(records.slice(0, 2));
    await reader.close();
    await publish(`${base}/t/x`, ['e']);
    const next = await mqttSource.open(config, context);
    try {
      const again = await readUntil(next, 3);
      assert.deepEqual(bodies(again), ['c', 'd', 'e']);
      assert.deepEqual(await next.read(10, 300, never()), []);
      await next.ack(again);
    } finally {
      await next.close();
    }
  });

  await t.test('a second reader of the mapping takes the session over; the first stops with an error and does not take it back', async () => {
    const { base, config, context } = fixture();
    const errors: unknown[] = [];
    const first = await mqttSource.open(config, { ...context, onError: (err) => errors.push(err) });
    const second = await mqttSource.open(config, context);
    try {
      await assert.rejects(first.read(10, 2000, never()), /lost \(or taken over/);
      assert.match(String(errors[0]), /lost \(or taken over/);
      await new Promise((r) => setTimeout(r, 300));
      await publish(`${base}/t/x`, ['a']);
      assert.deepEqual(bodies(await readUntil(second, 1)), ['a']);
    } finally {
      await first.close();
      await second.close();
    }
  });

  await t.test('an unreachable broker fails the open', async () => {
    const { config, context } = fixture({ url: 'mqtt://127.0.0.1:1' });
    sessions.pop();
    await assert.rejects(mqttSource.open(config, context), /MQTT broker at 127.0.0.1:1 did not accept the session/);
  });

  await t.test('a waiting read wakes when a message comes, ends on abort and on close', async () => {
    const { base, config, context } = fixture();
    const reader = await mqttSource.open(config, context);
    try {
      await waitingReadWakesAndAborts(reader, (values) => publish(`${base}/t/x`, values), bodies);
    } finally {
      await reader.close();
    }
    const empty = fixture();
    await closeEndsWaitingRead(() => mqttSource.open(empty.config, empty.context));
  });

  await t.test('QoS 0: at most once; a release keeps the message for this reader', async () => {
    const { base, config, context } = fixture({ qos: 0 });
    const reader = await mqttSource.open(config, context);
    try {
      await publish(`${base}/t/x`, ['a'], 0);
      const records = await readUntil(reader, 1);
      assert.deepEqual(mqttSource.event(records, config), {
        Records: [{ eventSource: 'nimbus:mqtt', topic: `${base}/t/x`, payload: Buffer.from('a').toString('base64'), qos: 0, retain: false, messageId: null, timestamp: record(records[0]!).timestamp }],
      });
      await reader.release(records);
      assert.deepEqual(bodies(await readUntil(reader, 1)), ['a']);
    } finally {
      await reader.close();
    }
  });
});
