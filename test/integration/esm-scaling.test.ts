// Concurrency of a mapping, measured by the function itself (each invocation records when
// it started and ended): it never exceeds ScalingConfig.MaximumConcurrency or the
// function's reserved concurrency, and it does scale out under a backlog. And a restart,
// also after kill -9, resumes every enabled mapping and keeps disabled ones disabled.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { GetEventSourceMappingCommand, PutFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { makeDataDir } from '../helpers/server.js';
import { createQueue } from '../helpers/sqs.js';
import { arnOf, createMapping, deployRecorder, queueDepth, readSink, startEsmServer, waitForState, waitUntilEmpty, type EsmServer, type Recorded } from './esm-support.js';

/** The most invocations that ran at the same moment. */
function peakConcurrency(recorded: readonly Recorded[]): number {
  const edges = recorded.flatMap((r) => [{ at: r.started, delta: 1 }, { at: r.ended, delta: -1 }]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta); // an end and a start at the same ms do not overlap
  let now = 0;
  let peak = 0;
  for (const edge of edges) {
    now += edge.delta;
    peak = Math.max(peak, now);
  }
  return peak;
}

async function sendMany(s: EsmServer, url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, n) => ({ Id: `m${i + n}`, MessageBody: `message ${i + n}` }));
    await s.sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
  }
}

test('concurrency stays within MaximumConcurrency and the reserved concurrency, and scales out under a backlog', async () => {
  const s = await startEsmServer();
  try {
    const cappedSink = await deployRecorder(s, 'capped', { SLEEP_MS: '250' });
    const cappedQueue = await createQueue(s.sqs, 'capped-in', { VisibilityTimeout: '60' });
    await createMapping(s, { FunctionName: 'capped', EventSourceArn: arnOf('capped-in'), BatchSize: 1, ScalingConfig: { MaximumConcurrency: 2 } });
    const reservedSink = await deployRecorder(s, 'reserved', { SLEEP_MS: '250' });
    await s.lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 3 }));
    const reservedQueue = await createQueue(s.sqs, 'reserved-in', { VisibilityTimeout: '60' });
    await createMapping(s, { FunctionName: 'reserved', EventSourceArn: arnOf('reserved-in'), BatchSize: 1 });

    await Promise.all([sendMany(s, cappedQueue, 16), sendMany(s, reservedQueue, 24)]);
    const [capped, reserved] = await Promise.all([readSink(s, cappedSink, 16, 30_000), readSink(s, reservedSink, 24, 30_000)]);
    assert.ok(peakConcurrency(capped) <= 2, `MaximumConcurrency 2, measured ${peakConcurrency(capped)}`);
    assert.equal(peakConcurrency(capped), 2, 'a backlog of 16 one-message batches runs two at a time');
    assert.ok(peakConcurrency(reserved) <= 3, `reserved concurrency 3, measured ${peakConcurrency(reserved)}`);
    assert.ok(peakConcurrency(reserved) >= 2, 'the mapping scaled out');
    // Never throttled: no message had to come back for a second receive.
    for (const r of [...capped, ...reserved]) assert.equal(r.event.Records?.[0]?.attributes.ApproximateReceiveCount, '1');
    await waitUntilEmpty(s, cappedQueue);
    await waitUntilEmpty(s, reservedQueue);
  } finally {
    await s.dispose();
  }
});

test('after kill -9 and a restart, enabled mappings poll again and disabled ones stay disabled', async () => {
  const dataDir = await makeDataDir();
  const first = await startEsmServer({ dataDir });
  const sink = await deployRecorder(first, 'durable');
  await createQueue(first.sqs, 'durable-in');
  await createQueue(first.sqs, 'parked-in');
  const enabled = await createMapping(first, { FunctionName: 'durable', EventSourceArn: arnOf('durable-in') });
  const parked = await createMapping(first, { FunctionName: 'durable', EventSourceArn: arnOf('parked-in'), Enabled: false });
  await waitForState(first, enabled.UUID ?? '', 'Enabled');
  await first.server.stop('SIGKILL');
  first.sqs.destroy();

  const second = await startEsmServer({ dataDir });
  try {
    assert.equal((await second.lambda.send(new GetEventSourceMappingCommand({ UUID: enabled.UUID }))).State, 'Enabled');
    assert.equal((await second.lambda.send(new GetEventSourceMappingCommand({ UUID: parked.UUID }))).State, 'Disabled');
    const urls = { durable: sink.replace(/durable-sink$/, 'durable-in'), parked: sink.replace(/durable-sink$/, 'parked-in') };
    const port = new URL(second.server.url).port;
    const here = (url: string): string => url.replace(/:\d+\//, `:${port}/`);
    await second.sqs.send(new SendMessageCommand({ QueueUrl: here(urls.parked), MessageBody: 'parked' }));
    await second.sqs.send(new SendMessageCommand({ QueueUrl: here(urls.durable), MessageBody: 'after restart' }));
    const recorded = await readSink(second, here(sink), 1);
    assert.deepEqual(recorded.map((r) => r.event.Records?.[0]?.body), ['after restart']);
    await waitUntilEmpty(second, here(urls.durable));
    assert.deepEqual(await queueDepth(second, here(urls.parked)), { visible: 1, inFlight: 0 });
  } finally {
    await second.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
});
