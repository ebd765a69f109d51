// Event sources end to end for EVERY kind (postgres-cdc, redis-stream, rabbitmq, nats, mqtt),
// through a real `nimbus serve` and the real CLI (`nimbus sources add`): records reach the
// function in order; a failing record ends in the SQS failure destination after its retries
// while the good ones are delivered in order; kill -9 of the platform mid-stream and a
// restart on the same data directory lose nothing. The per-kind part (making the source,
// producing records) is in event-sources-producers.ts. One platform serves the whole file
// (the crash tests kill and restart it). A kind whose server is not answering is skipped
// with the reason, except under CI=true.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { nimbus } from '../helpers/cli.js';
import { deploy } from '../helpers/functions.js';
import { makeDataDir } from '../helpers/server.js';
import { createQueue } from '../helpers/sqs.js';
import { arnOf, startEsmServer, type EsmServer } from './esm-support.js';
import { bodyOf, producers, receiveFailureRecord, type Producer } from './event-sources-producers.js';

/** Sends `{bodies}` of each batch to the SINK queue, then throws when a body ends in ':fail'. */
const CONSUMER = `import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
const bodyOf = ${bodyOf.toString()};
const sqs = new SQSClient({});
const sink = (await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.SINK }))).QueueUrl;
export const handler = async (event) => {
  if (process.env.SLEEP_MS) await new Promise((r) => setTimeout(r, Number(process.env.SLEEP_MS)));
  const records = event.Records ?? Object.values(event.rmqMessagesByQueue).flat();
  const bodies = records.map(bodyOf);
  await sqs.send(new SendMessageCommand({ QueueUrl: sink, MessageBody: JSON.stringify({ bodies }) }));
  if (bodies.some((b) => b.endsWith(':fail'))) throw new Error('record failed on purpose');
  return { ok: true };
};
`;

interface Batch { readonly bodies: string[] }

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const ordinals = (batches: readonly Batch[]): number[] => batches.flatMap((b) => b.bodies.map((body) => Number.parseInt(body, 10)));
const failing = (b: Batch): boolean => b.bodies.some((body) => body.endsWith(':fail'));

const kinds = producers();
const skips = new Map<string, string | false>();
for (const producer of kinds) skips.set(producer.kind, await producer.skip());

let s: EsmServer;
let dataDir: string;

before(async () => {
  dataDir = await makeDataDir();
  s = await startEsmServer({ dataDir, keepDataDir: true });
});

after(async () => {
  await s?.dispose();
  for (const producer of kinds) await producer.cleanUp();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

/** Reads the sink (any server: the URL follows the current one) until `done` holds for what came, or fails after `timeoutMs`. */
async function readSinkUntil(sink: string, done: (batches: readonly Batch[]) => boolean, timeoutMs = 30_000, into: Batch[] = []): Promise<Batch[]> {
  const deadline = Date.now() + timeoutMs;
  while (!done(into)) {
    if (Date.now() > deadline) throw new Error(`the sink got only ${JSON.stringify(into)} in ${timeoutMs} ms`);
    const url = sink.replace(/^http:\/\/[^/]+/, s.server.url);
    const got = await s.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 3600 }));
    for (const m of got.Messages ?? []) into.push(JSON.parse(m.Body ?? '{}') as Batch);
  }
  return into;
}

async function addSource(producer: Producer, fn: string, source: Record<string, unknown>, extra: string[]): Promise<string> {
  const result = await nimbus(['sources', 'add', producer.kind, '--function', fn, '--json', '--source-json', JSON.stringify(source), ...extra, '--endpoint', s.server.url]);
  assert.equal(result.code, 0, result.stderr);
  return (JSON.parse(result.stdout) as { uuid: string }).uuid;
}

/** A consumer function `<kind>-<name>` writing to a new sink queue; returns both. */
async function consumer(producer: Producer, name: string, env: Record<string, string> = {}): Promise<{ fn: string; sink: string }> {
  const fn = `${producer.kind}-${name}`;
  const sink = await createQueue(s.sqs, `${fn}-sink`);
  await deploy(s.lambda, fn, { 'index.mjs': CONSUMER }, { timeout: 10, environment: { SINK: `${fn}-sink`, ...env } });
  return { fn, sink };
}

for (const producer of kinds) {
  describe(`event sources end to end: ${producer.kind}`, { skip: skips.get(producer.kind) }, () => {
    test('records reach the function in order, in batches of at most the batch size', async () => {
      const { fn, sink } = await consumer(producer, 'ordered');
      const source = await producer.create('ordered');
      await source.produce(range(1, 20).map(String));
      await addSource(producer, fn, source.config, ['--batch-size', '5']);
      const batches = await readSinkUntil(sink, (got) => ordinals(got).length >= 20);
      assert.deepEqual(ordinals(batches), range(1, 20));
      assert.ok(batches.every((b) => b.bodies.length <= 5), JSON.stringify(batches));
    });

    test("a failing record ends in the SQS failure destination after its retries; the good ones are delivered in order", async () => {
      const { fn, sink } = await consumer(producer, 'failing');
      const dlq = await createQueue(s.sqs, `${fn}-dlq`);
      const source = await producer.create('failing');
      await source.produce(['1', '2', '3:fail', '4']);
      const uuid = await addSource(producer, fn, source.config, ['--batch-size', '4', '--window', '1', '--retries', '1', '--bisect', '--on-failure', arnOf(`${fn}-dlq`)]);
      const failure = await receiveFailureRecord(s.sqs, dlq);
      assert.ok(failure, 'a failure record arrived');
      const context = failure.requestContext as Record<string, unknown>;
      assert.equal(context.condition, 'RetryAttemptsExhausted');
      assert.equal(context.approximateInvokeCount, 2, 'the record failed once and once more on its one retry');
      assert.equal((failure.sourceBatchInfo as Record<string, unknown>).eventSourceMappingUUID, uuid);
      assert.deepEqual((failure.records as { payload: Parameters<typeof bodyOf>[0] }[]).map((r) => bodyOf(r.payload)), ['3:fail']);
      const batches = await readSinkUntil(sink, (got) => ordinals(got.filter((b) => !failing(b))).includes(4));
      assert.deepEqual(ordinals(batches.filter((b) => !failing(b))), [1, 2, 4]);
    });

    test('kill -9 mid-stream and a restart on the same data directory: every record is delivered', async () => {
      const total = 20;
      const { fn, sink } = await consumer(producer, 'crash', { SLEEP_MS: '250' });
      const source = await producer.create('crash');
      await source.produce(range(1, total).map(String));
      await addSource(producer, fn, source.config, ['--batch-size', '2']);
      const batches = await readSinkUntil(sink, (got) => got.length >= 2);
      assert.ok(new Set(ordinals(batches)).size < total, 'the platform is killed mid-stream');
      await s.server.stop('SIGKILL');
      s.sqs.destroy();
      s = await startEsmServer({ dataDir, keepDataDir: true });
      await readSinkUntil(sink, (got) => new Set(ordinals(got)).size >= total, 60_000, batches);
      assert.deepEqual([...new Set(ordinals(batches))].sort((a, b) => a - b), range(1, total));
    });
  });
}
