// SandboxInstance.invokeStream over the driver this machine detects (or
// NIMBUS_TEST_SANDBOX=process|bwrap): chunks reach the sink as the handler writes them,
// with backpressure, and every way a stream can end maps to Lambda's outcome.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_STREAM_RESPONSE_BYTES, STREAM_WINDOW_BYTES } from '../../src/protocol/index.js';
import type { FunctionSpec, ResponseHead, ResponseSink } from '../../src/runtime/execution-types.js';
import { SandboxInstance } from '../../src/runtime/instance.js';
import { detectSandboxDriver } from '../../src/runtime/sandbox/index.js';
import type { SandboxDriver } from '../../src/runtime/sandbox/index.js';
import { FIXTURES } from './guest-session.js';

function spec(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    account: '000000000000', region: 'us-east-1', name: 'sbx-stream', version: '$LATEST', specKey: 'sbx-stream', handler: 'index.handler',
    runtime: 'nodejs20.x', codeDir: path.join(FIXTURES, 'sbx-stream'), memoryMb: 512, timeoutSec: 10, ephemeralStorageMb: 512,
    environment: {}, logGroup: '/aws/lambda/sbx-stream', logFormat: 'Text', ...overrides,
  };
}

let n = 0;
const input = (event: unknown) => ({ requestId: `req-${++n}`, payload: Buffer.from(JSON.stringify(event)), invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:sbx-stream' });

interface Recorded {
  head: ResponseHead | undefined;
  chunks: { at: number; bytes: Buffer }[];
  text(): string;
}

function recordingSink(): ResponseSink & Recorded {
  return {
    head: undefined,
    chunks: [],
    begin(head) {
      assert.equal(this.head, undefined, 'begin() twice');
      assert.equal(this.chunks.length, 0, 'begin() after a write');
      this.head = head;
    },
    write(bytes) {
      assert.notEqual(this.head, undefined, 'write() before begin()');
      this.chunks.push({ at: Date.now(), bytes: Buffer.from(bytes) });
    },
    text() {
      return Buffer.concat(this.chunks.map((c) => c.bytes)).toString('utf8');
    },
  };
}

describe('SandboxInstance.invokeStream', () => {
  let driver: SandboxDriver;
  let workDir: string;
  const instances: SandboxInstance[] = [];

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nimbus-stream-'));
    fs.chmodSync(workDir, 0o755);
    const preference = process.env['NIMBUS_TEST_SANDBOX'] === 'process' || process.env['NIMBUS_TEST_SANDBOX'] === 'bwrap' ? process.env['NIMBUS_TEST_SANDBOX'] : 'auto';
    driver = await detectSandboxDriver(preference, { workDir });
  });

  after(async () => {
    await Promise.all(instances.map((i) => i.dispose()));
    await driver.dispose();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function make(s: FunctionSpec = spec()): Promise<SandboxInstance> {
    const instance = await SandboxInstance.create({ sandbox: await driver.start({ tmpMb: s.ephemeralStorageMb }), spec: s });
    instances.push(instance);
    return instance;
  }

  test('chunks reach the sink as written, before the handler ends; the instance serves on', async () => {
    const instance = await make();
    const sink = recordingSink();
    const started = Date.now();
    const out = await instance.invokeStream(input({ action: 'ab', pauseMs: 300 }), sink);
    const ended = Date.now();
    assert.deepEqual(out.result, { kind: 'success', payload: Buffer.alloc(0) });
    assert.deepEqual(sink.head, { contentType: 'application/octet-stream', streaming: true });
    assert.equal(sink.text(), 'ab');
    const first = sink.chunks[0]?.at ?? Infinity;
    assert.ok(first - started < 250, `first chunk after ${first - started} ms`);
    assert.ok(ended - first >= 550, `the handler ran ${ended - first} ms after the first chunk`);
    assert.equal(instance.state, 'idle');
    const again = recordingSink();
    assert.equal((await instance.invokeStream(input({ action: 'log' }), again)).result.kind, 'success');
    assert.equal(again.text(), 'ok');
  });

  test('plain invoke() of a streaming handler returns the bytes as one payload', async () => {
    const instance = await make();
    const out = await instance.invoke(input({ action: 'ab', pauseMs: 10 }));
    assert.deepEqual(out.result, { kind: 'success', payload: Buffer.from('ab') });
    const big = await instance.invoke(input({ action: 'pump', total: 7 * 1024 * 1024 }));
    assert.equal(big.result.kind === 'error' && big.result.error.errorType, 'Function.ResponseSizeTooLarge');
    assert.equal(instance.alive, false, 'the handler was still writing: the instance is discarded');
  });

  test('stream.pipeline() into the response stream works (it is a whole Writable)', async () => {
    const instance = await make();
    const sink = recordingSink();
    assert.equal((await instance.invokeStream(input({ action: 'pipeline' }), sink)).result.kind, 'success');
    assert.equal(sink.text(), 'one two three');
  });

  test('HttpResponseStream.from: the integration content type, JSON prelude and 8 NUL bytes first', async () => {
    const instance = await make();
    const sink = recordingSink();
    await instance.invokeStream(input({ action: 'http' }), sink);
    assert.deepEqual(sink.head, { contentType: 'application/vnd.awslambda.http-integration-response', streaming: true });
    const bytes = Buffer.concat(sink.chunks.map((c) => c.bytes));
    const at = bytes.indexOf(Buffer.alloc(8));
    assert.deepEqual(JSON.parse(bytes.subarray(0, at).toString()), { statusCode: 201, headers: { 'content-type': 'text/plain', 'x-probe': 'yes' }, cookies: ['a=1', 'b=2'] });
    assert.equal(bytes.subarray(at + 8).toString(), 'hello world');
    const empty = recordingSink();
    await instance.invokeStream(input({ action: 'httpEmpty' }), empty);
    assert.equal(empty.text(), `{"statusCode":204}${'\0'.repeat(8)}`, 'end() without a write still sends the prelude');
  });

  test('setContentType before the first write; objects are written as JSON; too late is an error', async () => {
    const instance = await make();
    const sink = recordingSink();
    await instance.invokeStream(input({ action: 'contentType' }), sink);
    assert.equal(sink.head?.contentType, 'text/plain; charset=utf-8');
    assert.equal(sink.text(), '{"an":"object"}');
    const late = await instance.invokeStream(input({ action: 'tooLate' }), recordingSink());
    assert.equal(late.result.kind === 'error' && late.result.error.errorType, 'Runtime.InvalidStreamingOperation');
  });

  test('an error mid-stream: the bytes before it are delivered, then a handler error; the instance serves on', async () => {
    const instance = await make();
    const sink = recordingSink();
    const out = await instance.invokeStream(input({ action: 'throwMid' }), sink);
    assert.equal(sink.text(), 'partial');
    assert.equal(out.result.kind === 'error' && out.result.cause, 'handler');
    assert.deepEqual(out.result.kind === 'error' && [out.result.error.errorType, out.result.error.errorMessage], ['TypeError', 'mid-stream boom']);
    assert.ok(out.lines.some((l) => l.text.includes('\tERROR\tInvoke Error \t{"errorType":"TypeError","errorMessage":"mid-stream boom"')), JSON.stringify(out.lines));
    assert.equal(instance.state, 'idle');
    assert.equal((await instance.invokeStream(input({ action: 'returns' }), recordingSink())).result.kind, 'success');
  });

  test('a non-async streaming handler fails as in the RIC; a bad streaming marker fails INIT', async () => {
    const instance = await make(spec({ handler: 'index.syncHandler' }));
    const out = await instance.invokeStream(input({}), recordingSink());
    assert.equal(out.result.kind === 'error' && out.result.error.errorMessage, 'Streaming does not support non-async handlers.');
    const bad = await make(spec({ handler: 'index.malformed' }));
    const init = await bad.invokeStream(input({}), recordingSink());
    assert.equal(init.result.kind === 'error' && init.result.error.errorType, 'Runtime.MalformedStreamingHandler');
  });

  test('a non-streaming handler: begin(application/json, not streaming) and its whole result in one write', async () => {
    const instance = await make(spec({ handler: 'index.plain' }));
    const sink = recordingSink();
    const out = await instance.invokeStream(input({ x: 1 }), sink);
    assert.equal(out.result.kind, 'success');
    assert.deepEqual(sink.head, { contentType: 'application/json', streaming: false });
    assert.equal(sink.chunks.length, 1);
    assert.deepEqual(JSON.parse(sink.text()), { hello: 'world', event: { x: 1 } });
  });

  test('timeout mid-stream: what was written is delivered, then Sandbox.Timedout; the instance is dead', async () => {
    const instance = await make(spec({ timeoutSec: 1 }));
    const sink = recordingSink();
    const req = input({ action: 'hang' });
    const out = await instance.invokeStream(req, sink);
    assert.equal(sink.text(), 'first');
    assert.deepEqual(out.result.kind === 'error' && out.result.error, {
      errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`, trace: [],
    });
    assert.equal(instance.alive, false);
  });

  test('a stream never ended runs into the timeout, as on Lambda', async () => {
    const instance = await make(spec({ timeoutSec: 1 }));
    const out = await instance.invokeStream(input({ action: 'noEnd' }), recordingSink());
    assert.equal(out.result.kind === 'error' && out.result.error.errorType, 'Sandbox.Timedout');
  });

  test('an uncaught exception mid-stream: reported, the instance is dead', async () => {
    const instance = await make();
    const sink = recordingSink();
    const out = await instance.invokeStream(input({ action: 'uncaught' }), sink);
    assert.equal(sink.text(), 'before');
    assert.equal(out.result.kind === 'error' && out.result.error.errorMessage, 'async boom');
    assert.equal(instance.alive, false);
  });

  test('backpressure: a slow sink holds the writer back to one window', async () => {
    const instance = await make();
    let unsettled = 0;
    let maxUnsettled = 0;
    let received = 0;
    const sink: ResponseSink = {
      begin: () => undefined,
      write(bytes) {
        unsettled += bytes.length;
        received += bytes.length;
        maxUnsettled = Math.max(maxUnsettled, unsettled);
        return new Promise<void>((resolve) => setTimeout(() => {
          unsettled -= bytes.length;
          resolve();
        }, 5));
      },
    };
    const total = 6 * 1024 * 1024;
    const out = await instance.invokeStream(input({ action: 'pump', total }), sink);
    assert.equal(out.result.kind, 'success');
    assert.equal(received, total);
    // One window plus the writes that were in flight when it filled (64 KiB each, highWaterMark 16 KiB).
    assert.ok(maxUnsettled <= STREAM_WINDOW_BYTES + 128 * 1024, `${maxUnsettled} bytes were waiting on the sink`);
  });

  test('past 200 MiB the stream ends with Function.ResponseSizeTooLarge; nothing beyond the limit is delivered', async () => {
    const instance = await make();
    let received = 0;
    const sink: ResponseSink = { begin: () => undefined, write: (bytes) => void (received += bytes.length) };
    const out = await instance.invokeStream(input({ action: 'pump', total: MAX_STREAM_RESPONSE_BYTES + 1024 * 1024, size: 256 * 1024 }), sink);
    assert.deepEqual(out.result.kind === 'error' && out.result.error, {
      errorType: 'Function.ResponseSizeTooLarge', errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_STREAM_RESPONSE_BYTES} bytes).`, trace: [],
    });
    assert.ok(received <= MAX_STREAM_RESPONSE_BYTES && received > MAX_STREAM_RESPONSE_BYTES - 1024 * 1024, String(received));
    assert.equal(instance.alive, false);
  });
});
