// streamToHttp (RESPONSE_STREAM function URLs) against a real node:http server and client:
// the prelude becomes the head, the rest of the bytes the body as they come.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { InvokeStreamResponse, InvokeStreamSink } from '../../src/invoke/invoke-service.js';
import { HTTP_INTEGRATION_CONTENT_TYPE, streamToHttp, type StreamInvocation } from '../../src/triggers/http/stream-url.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const OK: InvokeStreamResponse = { requestId: 'r', executedVersion: '$LATEST', error: undefined, logResult: undefined };
const FAILED: InvokeStreamResponse = { ...OK, error: { errorType: 'Error', errorMessage: 'boom', payload: Buffer.from('{}') } };

/** A fake function: a script of sink calls. */
function scripted(steps: (sink: InvokeStreamSink) => Promise<InvokeStreamResponse>): StreamInvocation {
  return (sink) => steps(sink);
}

interface Received {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly firstByteAt: number;
  readonly endAt: number;
  readonly aborted: boolean;
}

describe('streamToHttp', () => {
  let server: http.Server;
  let url = '';
  let next: StreamInvocation = scripted(() => Promise.resolve(OK));
  let outcome: Promise<unknown> = Promise.resolve();

  before(async () => {
    server = http.createServer((_req, res) => {
      outcome = streamToHttp(next, res, { extraHeaders: [['x-amzn-requestid', 'req-1']] }).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end('platform');
        throw err;
      });
      outcome.catch(() => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(): Promise<Received> {
    return new Promise((resolve, reject) => {
      http.get(url, (res) => {
        let body = '';
        let firstByteAt = 0;
        let aborted = false;
        res.on('data', (c: Buffer) => {
          firstByteAt ||= Date.now();
          body += c.toString();
        });
        res.on('aborted', () => (aborted = true));
        res.on('error', () => (aborted = true));
        res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, firstByteAt, endAt: Date.now(), aborted: aborted || !res.complete }));
      }).on('error', reject);
    });
  }

  test('the prelude (split anywhere) becomes status, headers and cookies; the body streams', async () => {
    const prelude = Buffer.concat([Buffer.from(JSON.stringify({ statusCode: 201, headers: { 'Content-Type': 'text/plain', 'x-a': 1 }, cookies: ['a=1', 'b=2'] })), Buffer.alloc(8)]);
    next = scripted(async (sink) => {
      sink.begin({ executedVersion: '$LATEST', contentType: HTTP_INTEGRATION_CONTENT_TYPE, streaming: true });
      await sink.write(prelude.subarray(0, 10));
      await sink.write(Buffer.concat([prelude.subarray(10, prelude.length - 3)]));
      await sink.write(Buffer.concat([prelude.subarray(prelude.length - 3), Buffer.from('first ')]));
      await sleep(300);
      await sink.write(Buffer.from('second'));
      return OK;
    });
    const got = await get();
    assert.equal(got.status, 201);
    assert.equal(got.headers['content-type'], 'text/plain');
    assert.equal(got.headers['x-a'], '1');
    assert.equal(got.headers['x-amzn-requestid'], 'req-1');
    assert.deepEqual(got.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(got.body, 'first second');
    assert.ok(got.endAt - got.firstByteAt >= 250, 'the first bytes came before the function finished');
  });

  test('another content type: 200 with it, the bytes as they are', async () => {
    next = scripted(async (sink) => {
      sink.begin({ executedVersion: '$LATEST', contentType: 'text/event-stream', streaming: true });
      await sink.write(Buffer.from('data: 1\n\n'));
      return OK;
    });
    const got = await get();
    assert.equal(got.status, 200);
    assert.equal(got.headers['content-type'], 'text/event-stream');
    assert.equal(got.body, 'data: 1\n\n');
  });

  test('a non-streaming handler is mapped as a BUFFERED URL maps it', async () => {
    next = scripted(async (sink) => {
      sink.begin({ executedVersion: '$LATEST', contentType: 'application/json', streaming: false });
      await sink.write(Buffer.from(JSON.stringify({ statusCode: 202, headers: { 'content-type': 'text/plain' }, body: 'accepted' })));
      return OK;
    });
    const got = await get();
    assert.equal(got.status, 202);
    assert.equal(got.body, 'accepted');
  });

  test('a failure before any byte, or a malformed prelude: 502', async () => {
    next = scripted(() => Promise.resolve(FAILED));
    assert.equal((await get()).status, 502);
    next = scripted(async (sink) => {
      sink.begin({ executedVersion: '$LATEST', contentType: HTTP_INTEGRATION_CONTENT_TYPE, streaming: true });
      await sink.write(Buffer.concat([Buffer.from('{not json'), Buffer.alloc(8), Buffer.from('body')]));
      return OK;
    });
    const bad = await get();
    assert.equal(bad.status, 502);
    assert.equal(bad.body, 'Internal Server Error');
  });

  test('a failure after bytes went out cuts the response', async () => {
    next = scripted(async (sink) => {
      sink.begin({ executedVersion: '$LATEST', contentType: 'text/plain', streaming: true });
      await sink.write(Buffer.from('partial'));
      await sleep(50);
      return FAILED;
    });
    const got = await get();
    assert.equal(got.status, 200);
    assert.equal(got.body, 'partial');
    assert.equal(got.aborted, true);
  });

  test('a platform error before the function began: rejected, nothing written (the caller answers)', async () => {
    next = scripted(() => Promise.reject(new Error('throttled')));
    const got = await get();
    assert.equal(got.status, 500);
    assert.equal(got.body, 'platform');
    await assert.rejects(outcome, /throttled/);
  });
});
