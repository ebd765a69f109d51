// InvokeWithResponseStream through the real SDK (InvokeWithResponseStreamCommand, iterating
// its EventStream) against a real `nimbus serve`: chunks arrive while the function still
// runs, in order, and the stream always ends with exactly one InvokeComplete.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  InvokeCommand, InvokeWithResponseStreamCommand, ResourceNotFoundException, type InvokeWithResponseStreamCommandOutput,
  type InvokeWithResponseStreamCompleteEvent, type LambdaClient,
} from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';

const STREAMING = `
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const handler = awslambda.streamifyResponse(async (event, stream) => {
  if (event.action === 'ab') {
    stream.write('a');
    await sleep(500);
    stream.write('b');
    await sleep(500);
    stream.end();
  } else if (event.action === 'throw') {
    stream.write('partial');
    await sleep(100);
    throw new TypeError('mid-stream boom');
  } else if (event.action === 'hang') {
    stream.write('first');
    await sleep(60_000);
  } else if (event.action === 'log') {
    console.log('streaming', 42);
    stream.end('logged');
  } else {
    stream.end(JSON.stringify(event));
  }
});
`;

interface Collected {
  readonly output: InvokeWithResponseStreamCommandOutput;
  readonly chunks: { readonly at: number; readonly text: string }[];
  readonly complete: InvokeWithResponseStreamCompleteEvent | undefined;
  readonly completeAt: number;
  readonly events: number;
}

async function streamInvoke(lambda: LambdaClient, name: string, event: unknown, logType?: 'Tail'): Promise<Collected> {
  const output = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: logType }));
  const chunks: { at: number; text: string }[] = [];
  let complete: InvokeWithResponseStreamCompleteEvent | undefined;
  let completeAt = 0;
  let events = 0;
  for await (const e of output.EventStream ?? []) {
    events++;
    assert.equal(complete, undefined, 'nothing may follow InvokeComplete');
    if (e.PayloadChunk) chunks.push({ at: Date.now(), text: Buffer.from(e.PayloadChunk.Payload ?? new Uint8Array()).toString('utf8') });
    else if (e.InvokeComplete) {
      complete = e.InvokeComplete;
      completeAt = Date.now();
    } else assert.fail(`unexpected event ${JSON.stringify(e)}`);
  }
  return { output, chunks, complete, completeAt, events };
}

describe('InvokeWithResponseStream', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    await deploy(lambda, 'streamer', { 'index.mjs': STREAMING });
    await deploy(lambda, 'slow-streamer', { 'index.mjs': STREAMING }, { timeout: 1 });
    await deploy(lambda, 'plain', { 'index.js': 'exports.handler = async (e) => ({ hello: "world", e });' });
  });
  after(async () => server.dispose());

  test('the first PayloadChunk arrives while the function still runs; bytes in order; InvokeComplete last', async () => {
    await streamInvoke(lambda, 'streamer', { action: 'echo' }); // warm: the timing below is the stream's, not a cold start's
    const sent = Date.now();
    const got = await streamInvoke(lambda, 'streamer', { action: 'ab' });
    assert.equal(got.output.StatusCode, 200);
    assert.equal(got.output.ExecutedVersion, '$LATEST');
    assert.equal(got.output.ResponseStreamContentType, 'application/vnd.amazon.eventstream');
    assert.equal(got.chunks.map((c) => c.text).join(''), 'ab');
    const first = got.chunks[0]?.at ?? Infinity;
    assert.ok(first - sent < 400, `first chunk ${first - sent} ms after the call`);
    assert.ok(got.completeAt - first >= 900, `the function ran ${got.completeAt - first} ms after the first chunk arrived`);
    assert.deepEqual(got.complete, {});
  });

  test('a function that throws mid-stream: its bytes, then InvokeComplete with ErrorCode and ErrorDetails', async () => {
    const got = await streamInvoke(lambda, 'streamer', { action: 'throw' });
    assert.equal(got.output.StatusCode, 200);
    assert.equal(got.chunks.map((c) => c.text).join(''), 'partial');
    assert.equal(got.complete?.ErrorCode, 'TypeError');
    assert.equal(got.complete?.ErrorDetails, 'mid-stream boom');
    const next = await streamInvoke(lambda, 'streamer', { again: true });
    assert.deepEqual(JSON.parse(next.chunks.map((c) => c.text).join('')), { again: true });
    assert.equal(next.complete?.ErrorCode, undefined);
  });

  test('a non-streaming function: its whole JSON payload as one PayloadChunk', async () => {
    const got = await streamInvoke(lambda, 'plain', { n: 1 });
    assert.equal(got.chunks.length, 1);
    assert.deepEqual(JSON.parse(got.chunks[0]?.text ?? ''), { hello: 'world', e: { n: 1 } });
    assert.deepEqual(got.complete, {});
    assert.equal(got.events, 2);
  });

  test('a timeout mid-stream: what was written, then ErrorCode Sandbox.Timedout; the next call works', async () => {
    const got = await streamInvoke(lambda, 'slow-streamer', { action: 'hang' });
    assert.equal(got.chunks.map((c) => c.text).join(''), 'first');
    assert.equal(got.complete?.ErrorCode, 'Sandbox.Timedout');
    assert.match(got.complete?.ErrorDetails ?? '', /Task timed out after 1\.00 seconds/);
    const next = await streamInvoke(lambda, 'slow-streamer', { ok: 1 });
    assert.equal(next.chunks.map((c) => c.text).join(''), '{"ok":1}');
  });

  test('LogType Tail: InvokeComplete carries the base64 tail of the log', async () => {
    const got = await streamInvoke(lambda, 'streamer', { action: 'log' }, 'Tail');
    assert.equal(got.chunks.map((c) => c.text).join(''), 'logged');
    const log = Buffer.from(got.complete?.LogResult ?? '', 'base64').toString('utf8');
    assert.match(log, /^START RequestId: \S+ Version: \$LATEST\n/);
    assert.match(log, /\tINFO\tstreaming 42\n/);
    assert.match(log, /END RequestId: \S+\nREPORT RequestId: \S+\tDuration: /);
    const none = await streamInvoke(lambda, 'streamer', { action: 'log' });
    assert.equal(none.complete?.LogResult, undefined);
  });

  test('plain Invoke of a streaming function answers the streamed bytes as its payload', async () => {
    const out = await lambda.send(new InvokeCommand({ FunctionName: 'streamer', Payload: Buffer.from(JSON.stringify({ action: 'ab' })) }));
    assert.equal(out.FunctionError, undefined);
    assert.equal(Buffer.from(out.Payload ?? new Uint8Array()).toString(), 'ab');
  });

  test('a caller that goes away mid-stream does no harm: the next call is served', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.url}/2021-11-15/functions/streamer/response-streaming-invocations`, {
      method: 'POST', body: JSON.stringify({ action: 'ab' }), signal: abort.signal,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    const reader = res.body?.getReader();
    await reader?.read(); // the first PayloadChunk
    abort.abort();
    await reader?.read().catch(() => undefined);
    const next = await streamInvoke(lambda, 'streamer', { after: 'abort' });
    assert.equal(next.chunks.map((c) => c.text).join(''), '{"after":"abort"}');
  });

  test('DryRun answers 204; an unknown function is ResourceNotFoundException; a bad InvocationType is refused', async () => {
    const dry = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'streamer', InvocationType: 'DryRun' }));
    assert.equal(dry.StatusCode, 204);
    await assert.rejects(lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'nobody', Payload: Buffer.from('{}') })), ResourceNotFoundException);
    const res = await fetch(`${server.url}/2021-11-15/functions/streamer/response-streaming-invocations`, {
      method: 'POST', headers: { 'x-amz-invocation-type': 'Event' }, body: '{}',
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('x-amzn-errortype'), 'InvalidParameterValueException');
  });
});
