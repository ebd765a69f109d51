// The Runtime API server the guest runs for custom runtimes, driven over real HTTP as a
// runtime client drives it: lifecycle, headers, and every error path of lambda-reference §3.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { ErrorPayload, StartedInvoke } from '../../src/protocol/messages.js';
import { RuntimeApiServer } from '../../src/guest/runtime-api/server.js';

type Seen =
  | { kind: 'init-done' }
  | { kind: 'init-error'; error: ErrorPayload }
  | { kind: 'result'; requestId: string; body: string }
  | { kind: 'error'; requestId: string; error: ErrorPayload }
  | { kind: 'chunk'; requestId: string; bytes: string; contentType: string | undefined }
  | { kind: 'stream-end'; requestId: string };

const invocation = (requestId: string, extra: Partial<StartedInvoke> = {}): StartedInvoke => ({
  t: 'invoke', requestId, timeoutMs: 3_000, deadlineMs: 1_900_000_000_000, invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', ...extra,
});

describe('Runtime API server', () => {
  let server: RuntimeApiServer;
  let base: string;
  let seen: Seen[];
  before(async () => {
    seen = [];
    server = new RuntimeApiServer({
      initDone: () => seen.push({ kind: 'init-done' }),
      initError: (error) => seen.push({ kind: 'init-error', error }),
      result: (requestId, body) => seen.push({ kind: 'result', requestId, body: body.toString() }),
      error: (requestId, error) => seen.push({ kind: 'error', requestId, error }),
      chunk: (requestId, bytes, contentType) => seen.push({ kind: 'chunk', requestId, bytes: bytes.toString(), contentType }),
      streamEnd: (requestId) => seen.push({ kind: 'stream-end', requestId }),
      onAck: () => undefined,
    });
    base = `http://${await server.listen(0)}/2018-06-01/runtime`;
  });
  after(() => server.close());

  const post = async (path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${base}${path}`, { method: 'POST', body, headers });
    return { status: res.status, body: await res.json() };
  };

  test('next long-polls until an invocation exists and hands it out with Lambda\'s headers', async () => {
    const next = fetch(`${base}/invocation/next`);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen, [{ kind: 'init-done' }], 'the first next ends init');
    server.deliver({ message: invocation('req-1', { traceId: 'Root=1-abc', clientContext: '{"custom":{}}' }), event: Buffer.from('{"a":1}') });
    const res = await next;
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{"a":1}');
    assert.equal(res.headers.get('lambda-runtime-aws-request-id'), 'req-1');
    assert.equal(res.headers.get('lambda-runtime-deadline-ms'), '1900000000000');
    assert.equal(res.headers.get('lambda-runtime-invoked-function-arn'), 'arn:aws:lambda:us-east-1:000000000000:function:f');
    assert.equal(res.headers.get('lambda-runtime-trace-id'), 'Root=1-abc');
    assert.equal(res.headers.get('lambda-runtime-client-context'), '{"custom":{}}');
    assert.equal(res.headers.get('lambda-runtime-cognito-identity'), null, 'empty headers are omitted');
    assert.equal(res.headers.get('content-type'), 'application/json');
  });

  test('next during an invocation is 403; init/error after init is 403', async () => {
    const early = await fetch(`${base}/invocation/next`);
    assert.equal(early.status, 403);
    assert.equal(((await early.json()) as { errorType: string }).errorType, 'InvalidStateTransition');
    assert.equal((await post('/init/error', '{}')).status, 403);
  });

  test('a response for another id is 400 InvalidRequestID; the right one is 202; a second one is 400', async () => {
    assert.deepEqual(await post('/invocation/nope/response', '"x"'), { status: 400, body: { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' } });
    assert.deepEqual(await post('/invocation/req-1/response', '"ok"'), { status: 202, body: { status: 'OK' } });
    assert.deepEqual(await post('/invocation/req-1/response', '"again"'), { status: 400, body: { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' } });
    assert.deepEqual(await post('/invocation/req-1/error', '{}'), { status: 400, body: { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' } });
    assert.deepEqual(seen.filter((s) => s.kind === 'result'), [{ kind: 'result', requestId: 'req-1', body: '"ok"' }]);
  });

  test('an error body is passed on; without errorType the header names it, normalised as RIE does', async () => {
    server.deliver({ message: invocation('req-2'), event: Buffer.from('{}') });
    await fetch(`${base}/invocation/next`).then((r) => r.text());
    assert.equal((await post('/invocation/req-2/error', '{"errorMessage":"m","stackTrace":["a"]}', { 'Lambda-Runtime-Function-Error-Type': 'bogus' })).status, 202);
    const error = seen.at(-1);
    assert.deepEqual(error, { kind: 'error', requestId: 'req-2', error: { errorType: 'Runtime.Unknown', errorMessage: 'm', trace: ['a'], raw: { errorMessage: 'm', stackTrace: ['a'] } } });
  });

  test('a response over 6 MB is 413 RequestEntityTooLarge and fails the invocation', async () => {
    server.deliver({ message: invocation('req-3'), event: Buffer.from('{}') });
    await fetch(`${base}/invocation/next`).then((r) => r.text());
    const big = await post('/invocation/req-3/response', 'x'.repeat(6_291_557));
    assert.deepEqual(big, { status: 413, body: { errorMessage: 'Exceeded maximum allowed payload size (6291556 bytes).', errorType: 'RequestEntityTooLarge' } });
    assert.equal((seen.at(-1) as { error: ErrorPayload }).error.errorType, 'Function.ResponseSizeTooLarge');
  });

  test('streaming mode relays chunks; error trailers fail it; another mode is 400 InvalidFunctionResponseMode', async () => {
    server.deliver({ message: invocation('req-4'), event: Buffer.from('{}') });
    await fetch(`${base}/invocation/next`).then((r) => r.text());
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/invocation/req-4/response`, {
        method: 'POST', headers: { 'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Content-Type': 'text/plain', Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body' },
      }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('one ');
      req.write('two');
      req.addTrailers({ 'Lambda-Runtime-Function-Error-Type': 'Error', 'Lambda-Runtime-Function-Error-Body': Buffer.from('{"errorType":"Error","errorMessage":"mid-stream"}').toString('base64') });
      req.end();
    });
    assert.equal(status, 202);
    const chunks = seen.filter((s) => s.kind === 'chunk');
    assert.equal(chunks.map((c) => c.bytes).join(''), 'one two');
    assert.equal(chunks[0]?.contentType, 'text/plain');
    assert.deepEqual(seen.at(-1), { kind: 'error', requestId: 'req-4', error: { errorType: 'Error', errorMessage: 'mid-stream', trace: [] } });

    server.deliver({ message: invocation('req-5'), event: Buffer.from('{}') });
    await fetch(`${base}/invocation/next`).then((r) => r.text());
    const bad = await post('/invocation/req-5/response', 'x', { 'Lambda-Runtime-Function-Response-Mode': 'buffered' });
    assert.deepEqual(bad, { status: 400, body: { errorType: 'InvalidFunctionResponseMode', errorMessage: 'Invalid function response mode' } });
    assert.equal((seen.at(-1) as { error: ErrorPayload }).error.errorType, 'Runtime.InvalidResponseModeHeader');
  });

  test('an unknown path is 404', async () => {
    assert.equal((await fetch(`${base}/nothing`)).status, 404);
  });
});
