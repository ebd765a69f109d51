// The redis-stream source against a real Redis: order, ack, release, the consumer group as
// checkpoint across a restart, competing readers of one mapping, config errors, event shape.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, test } from 'node:test';
import { Redis } from 'ioredis';
import { redisStreamSource, type RedisStreamConfig } from '../../src/triggers/sources/redis-stream.js';
import type { SourceContext, SourceRecord } from '../../src/triggers/sources/source-plugin.js';
import { requireService } from '../helpers/services.js';
import { closeEndsWaitingRead, never, readUntil, readersCompete, waitingReadWakesAndAborts } from './reader-checks.js';

const URL = process.env.NIMBUS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const skip = await requireService('Redis', 6379);
const producer = skip ? undefined : new Redis(URL);
const streams: string[] = [];

after(async () => {
  if (!producer) return;
  if (streams.length > 0) await producer.del(...streams);
  await producer.quit();
});

function fixture(overrides: Partial<RedisStreamConfig> = {}): { config: RedisStreamConfig; context: SourceContext } {
  const stream = `nimbus-test-${randomBytes(6).toString('hex')}`;
  streams.push(stream);
  const config = redisStreamSource.parseConfig({ url: URL, stream, startingPosition: 'TRIM_HORIZON', ...overrides });
  return { config, context: { mappingId: randomUUID(), onError: (err) => assert.fail(err as Error) } };
}

async function add(stream: string, ...values: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const v of values) ids.push((await producer!.xadd(stream, '*', 'body', v, 'n', String(values.indexOf(v))))!);
  return ids;
}

const bodies = (records: readonly SourceRecord[]): string[] => records.map((r) => (r.payload as { fields: { body: string } }).fields.body);

test('redis-stream source', { skip }, async (t) => {
  await t.test('reads in order, ack removes them, event shape', async () => {
    const { config, context } = fixture();
    const ids = await add(config.stream, 'a', 'b', 'c');
    const reader = await redisStreamSource.open(config, context);
    try {
      const records = await readUntil(reader, 3);
      assert.deepEqual(bodies(records), ['a', 'b', 'c']);
      assert.deepEqual(records.map((r) => r.id), ids);
      assert.equal(records[0]!.orderKey, undefined);
      assert.deepEqual(redisStreamSource.event(records.slice(0, 1), config), {
        Records: [{
          eventSource: 'nimbus:redis-stream',
          eventSourceArn: `arn:nimbus:redis:::stream/${config.stream}`,
          stream: config.stream,
          id: ids[0],
          fields: { body: 'a', n: '0' },
          timestamp: Number(ids[0]!.split('-')[0]),
        }],
      });
      await reader.ack(records);
      assert.deepEqual(await reader.read(10, 100, never()), []);
      assert.equal(await reader.lag!(), 0);
      assert.equal(await producer!.xpending(config.stream, `nimbus-${context.mappingId}`).then((p) => (p as [number])[0]), 0);
    } finally {
      await reader.close();
    }
  });

  await t.test('LATEST skips what was there; a blocking read returns what arrives and ends on abort', async () => {
    const { config, context } = fixture({ startingPosition: 'LATEST' });
    await add(config.stream, 'old');
    const reader = await redisStreamSource.open(config, context);
    try {
      await waitingReadWakesAndAborts(reader, (values) => add(config.stream, ...values).then(() => undefined), bodies);
    } finally {
      await reader.close();
    }
  });

  await t.test('close ends a waiting read with no records', async () => {
    const { config, context } = fixture();
    await closeEndsWaitingRead(() => redisStreamSource.open(config, context));
  });

  await t.test('released records are read again; in-flight ones are not', async () => {
    const { config, context } = fixture();
    await add(config.stream, 'a', 'b');
    const reader = await redisStreamSource.open(config, context);
    try {
      const first = await reader.read(1, 1000, never());
      assert.deepEqual(bodies(first), ['a']);
      const second = await reader.read(10, 100, never());
      assert.deepEqual(bodies(second), ['b'], 'a is in flight, not read again');
      await reader.release(first);
      assert.deepEqual(bodies(await reader.read(10, 100, never())), ['a']);
    } finally {
      await reader.close();
    }
  });

  await t.test('after a restart, unacked records come again at once and acked ones do not', async () => {
    const { config, context } = fixture();
    await add(config.stream, 'a', 'b', 'c');
    const before = await redisStreamSource.open(config, context);
    const records = await readUntil(before, 3);
    await before.ack(records.slice(0, 1));
    await before.close();
    const afterRestart = await redisStreamSource.open(config, context);
    try {
      assert.deepEqual(bodies(await afterRestart.read(10, 100, never())), ['b', 'c']);
      await add(config.stream, 'd');
      assert.deepEqual(bodies(await afterRestart.read(10, 1000, never())), ['d']);
      const consumers = (await producer!.call('XINFO', 'CONSUMERS', config.stream, `nimbus-${context.mappingId}`)) as unknown[];
      assert.equal(consumers.length, 1, 'the closed reader\'s consumer is dropped');
    } finally {
      await afterRestart.close();
    }
  });

  await t.test('entries idle past claimIdleMs under a vanished consumer are claimed', async () => {
    const { config, context } = fixture({ claimIdleMs: 50 });
    const group = `nimbus-${context.mappingId}`;
    const reader = await redisStreamSource.open(config, context);
    try {
      await add(config.stream, 'orphan');
      await producer!.xreadgroup('GROUP', group, 'some-other-node', 'COUNT', 10, 'STREAMS', config.stream, '>');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(bodies(await reader.read(10, 100, never())), ['orphan']);
    } finally {
      await reader.close();
    }
  });

  await t.test('two readers of one mapping compete for records', async () => {
    const { config, context } = fixture();
    const one = await redisStreamSource.open(config, context);
    const two = await redisStreamSource.open(config, context);
    try {
      await readersCompete(one, two, (values) => add(config.stream, ...values).then(() => undefined), bodies);
    } finally {
      await one.close();
      await two.close();
    }
  });

  await t.test('forget drops the mapping\'s group', async () => {
    const { config, context } = fixture();
    const reader = await redisStreamSource.open(config, context);
    await reader.close();
    await redisStreamSource.forget!(config, context);
    const groups = (await producer!.call('XINFO', 'GROUPS', config.stream)) as unknown[];
    assert.equal(groups.length, 0);
  });
});

test('redis-stream config errors name the field', () => {
  const ok = { url: 'redis://localhost', stream: 's' };
  assert.deepEqual(redisStreamSource.parseConfig(ok), { ...ok, startingPosition: 'LATEST', claimIdleMs: 60_000 });
  for (const [raw, field] of [
    [{ stream: 's' }, 'url'],
    [{ ...ok, url: 'http://x' }, 'url'],
    [{ url: ok.url }, 'stream'],
    [{ ...ok, group: '' }, 'group'],
    [{ ...ok, startingPosition: 'AT_TIMESTAMP' }, 'startingPosition'],
    [{ ...ok, claimIdleMs: -1 }, 'claimIdleMs'],
  ] as const) {
    assert.throws(() => redisStreamSource.parseConfig(raw), (err: Error) => err.name === 'InvalidParameterValueException' && err.message.startsWith(`${field}:`), field);
  }
});
