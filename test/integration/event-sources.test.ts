// Event sources end to end (docs/event-sources.md) with the real Redis Streams plugin: a
// real `nimbus serve`, `nimbus sources add redis-stream …` through the CLI, records added
// with XADD reach the function in order; a failing function's records end in the SQS
// failure destination after their retries; kill -9 of the platform mid-stream and a
// restart on the same data directory lose nothing. Skips when Redis is not answering
// (except under CI=true).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Redis } from 'ioredis';
import { nimbus, type CliResult } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { makeDataDir } from '../helpers/server.js';
import { requireService } from '../helpers/services.js';
import { createQueue } from '../helpers/sqs.js';
import { arnOf, readSink, startEsmServer, type EsmServer } from './esm-support.js';
import { receiveFailureRecord } from './event-sources-producers.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

/** Records each batch on the SINK queue: `{ids, ns}`; throws after recording when a record has a field `fail`. */
const CONSUMER = `import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
const sink = (await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.SINK }))).QueueUrl;
export const handler = async (event) => {
  if (process.env.SLEEP_MS) await new Promise((r) => setTimeout(r, Number(process.env.SLEEP_MS)));
  await sqs.send(new SendMessageCommand({ QueueUrl: sink, MessageBody: JSON.stringify({ event }) }));
  if (event.Records.some((r) => r.fields.fail !== undefined)) throw new Error('record failed on purpose');
  return { ok: true };
};
`;

interface RedisRecord { readonly id: string; readonly stream: string; readonly fields: Record<string, string> }
interface Batch { readonly event: { Records: RedisRecord[] } }

const skip = await requireService('Redis', 6379);

describe('event sources: Redis Streams through a real platform', { skip }, () => {
  const tag = randomBytes(4).toString('hex');
  const streams: string[] = [];
  let redis: Redis;

  before(() => {
    redis = new Redis(REDIS_URL);
  });
  after(async () => {
    if (streams.length > 0) await redis.del(...streams);
    redis.disconnect();
  });

  const stream = (name: string): string => {
    const full = `nimbus-test-${name}-${tag}`;
    streams.push(full);
    return full;
  };

  const cli = (s: { server: { url: string } }, args: string[]): Promise<CliResult> => nimbus(['sources', ...args, '--endpoint', s.server.url]);

  async function add(s: EsmServer, fn: string, source: string, extra: string[] = []): Promise<{ uuid: string }> {
    const result = await cli(s, ['add', 'redis-stream', '--function', fn, '--json',
      '--source-json', JSON.stringify({ url: REDIS_URL, stream: source, startingPosition: 'TRIM_HORIZON' }), ...extra]);
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as { uuid: string };
  }

  const xadd = async (name: string, from: number, to: number, extra: string[] = []): Promise<void> => {
    for (let n = from; n <= to; n++) await redis.xadd(name, '*', 'n', String(n), ...extra);
  };

  const ns = (batches: readonly Batch[]): number[] => batches.flatMap((b) => b.event.Records.map((r) => Number(r.fields.n)));

  test('records reach the function in order; the CLI lists, shows, disables, enables and removes the source', async () => {
    const s = await startEsmServer();
    try {
      const sink = await createQueue(s.sqs, 'ordered-sink');
      await deploy(s.lambda, 'ordered', { 'index.mjs': CONSUMER }, { environment: { SINK: 'ordered-sink' } });
      const name = stream('ordered');
      await xadd(name, 1, 12);
      const { uuid } = await add(s, 'ordered', name, ['--batch-size', '5']);
      const batches = (await readSink(s, sink, 3)) as unknown as Batch[];
      assert.deepEqual(ns(batches), Array.from({ length: 12 }, (_, i) => i + 1));
      assert.ok(batches.every((b) => b.event.Records.length <= 5 && b.event.Records.every((r) => r.stream === name)));

      const listed = await cli(s, ['list']);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, new RegExp(`${uuid}\\s+redis-stream\\s+ordered\\s+Enabled\\s+5`));
      const got = JSON.parse((await cli(s, ['get', uuid, '--json'])).stdout) as { state: string; lastProcessingResult: string; batchSize: number };
      assert.equal(got.batchSize, 5);
      assert.equal(got.lastProcessingResult, 'OK');

      assert.equal((await cli(s, ['disable', uuid])).code, 0);
      await xadd(name, 13, 14);
      await sleep(500);
      assert.equal((await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: sink, WaitTimeSeconds: 0 }))).Messages, undefined, 'a disabled source delivers nothing');
      assert.equal((await cli(s, ['enable', uuid])).code, 0);
      assert.deepEqual(ns((await readSink(s, sink, 1)) as unknown as Batch[]), [13, 14]);

      assert.equal((await cli(s, ['remove', uuid])).code, 0);
      const gone = await cli(s, ['get', uuid]);
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /ResourceNotFoundException/);
    } finally {
      await s.dispose();
    }
  });

  test('the API refuses an unknown kind (listing the known ones), a bad source field and a missing function', async () => {
    const s = await startEsmServer();
    try {
      await deploy(s.lambda, 'target', { 'index.mjs': 'export const handler = async () => ({});' });
      const unknown = await nimbus(['sources', 'add', 'carrier-pigeon', '--function', 'target', '--source-json', '{}', '--endpoint', s.server.url]);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /InvalidParameterValueException: kind: unknown kind 'carrier-pigeon'; known kinds: .*redis-stream/);
      const badField = await cli(s, ['add', 'redis-stream', '--function', 'target', '--source-json', '{"url":"http://x","stream":"s"}']);
      assert.match(badField.stderr, /InvalidParameterValueException: .*url/);
      const noFunction = await cli(s, ['add', 'redis-stream', '--function', 'absent', '--source-json', JSON.stringify({ url: REDIS_URL, stream: 's' })]);
      assert.match(noFunction.stderr, /InvalidParameterValueException: functionName: function 'absent' does not exist/);
      const badBatch = await cli(s, ['add', 'redis-stream', '--function', 'target', '--batch-size', '0', '--source-json', JSON.stringify({ url: REDIS_URL, stream: 's' })]);
      assert.match(badBatch.stderr, /InvalidParameterValueException: batchSize: must be an integer from 1 to 10000/);
      const badDestination = await cli(s, ['add', 'redis-stream', '--function', 'target', '--on-failure', arnOf('no-such-queue'),
        '--source-json', JSON.stringify({ url: REDIS_URL, stream: 's' })]);
      assert.match(badDestination.stderr, /InvalidParameterValueException: onFailureDestination: the queue .* does not exist/);
    } finally {
      await s.dispose();
    }
  });

  test("a failing function's records end in the SQS failure destination after their retries; the good ones are delivered", async () => {
    const s = await startEsmServer();
    try {
      const sink = await createQueue(s.sqs, 'failing-sink');
      const dlq = await createQueue(s.sqs, 'failing-dlq');
      await deploy(s.lambda, 'failing', { 'index.mjs': CONSUMER }, { environment: { SINK: 'failing-sink' } });
      const name = stream('failing');
      await xadd(name, 1, 2);
      await xadd(name, 3, 3, ['fail', 'yes']);
      await xadd(name, 4, 4);
      const { uuid } = await add(s, 'failing', name, ['--batch-size', '4', '--retries', '1', '--bisect', '--on-failure', arnOf('failing-dlq')]);
      const failure = await receiveFailureRecord(s.sqs, dlq);
      assert.ok(failure, 'a failure record arrived');
      assert.equal((failure.requestContext as Record<string, unknown>).condition, 'RetryAttemptsExhausted');
      assert.equal((failure.requestContext as Record<string, unknown>).approximateInvokeCount, 2);
      assert.equal((failure.sourceBatchInfo as Record<string, unknown>).eventSourceMappingUUID, uuid);
      const failed = (failure.records as { payload: RedisRecord }[]).map((r) => r.payload.fields);
      assert.deepEqual(failed, [{ n: '3', fail: 'yes' }]);
      // [1..4] fails, [1,2] succeeds, [3,4] fails, [3] fails twice, [4] succeeds: 1, 2 and 4 delivered, in order.
      const batches = (await readSink(s, sink, 6)) as unknown as Batch[];
      const succeeded = batches.filter((b) => b.event.Records.every((r) => r.fields.fail === undefined) && b.event.Records.length < 4);
      assert.deepEqual(ns(succeeded), [1, 2, 4]);
      const view = JSON.parse((await cli(s, ['get', uuid, '--json'])).stdout) as { lastProcessingResult: string; lag?: number };
      assert.equal(view.lastProcessingResult, 'OK');
    } finally {
      await s.dispose();
    }
  });

  test('kill -9 mid-stream and a restart on the same data directory: every record is delivered', async () => {
    const dataDir = await makeDataDir();
    const name = stream('crash');
    const total = 40;
    let s = await startEsmServer({ dataDir, keepDataDir: true });
    const seen = new Set<number>();
    try {
      const sink = await createQueue(s.sqs, 'crash-sink');
      await deploy(s.lambda, 'crash', { 'index.mjs': CONSUMER }, { environment: { SINK: 'crash-sink', SLEEP_MS: '150' } });
      await xadd(name, 1, total);
      await add(s, 'crash', name, ['--batch-size', '4']);
      for (const n of ns((await readSink(s, sink, 2)) as unknown as Batch[])) seen.add(n);
      assert.ok(seen.size < total, 'the platform is killed mid-stream');
      await s.server.stop('SIGKILL');
      s.sqs.destroy();
      s = await startEsmServer({ dataDir, keepDataDir: true });
      const deadline = Date.now() + 60_000;
      while (seen.size < total && Date.now() < deadline) {
        const got = await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: sink.replace(/^http:\/\/[^/]+/, s.server.url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of got.Messages ?? []) for (const n of ns([JSON.parse(m.Body ?? '{}') as Batch])) seen.add(n);
      }
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1));
    } finally {
      await s.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
