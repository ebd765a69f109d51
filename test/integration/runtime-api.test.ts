// The Runtime API inside a real sandbox, as a hand-written runtime client sees it: the error
// paths of lambda-reference §3.1 (a response posted twice, an unknown request id, next
// during an invocation, init/error after init) and streaming response mode end to end
// through InvokeWithResponseStream.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvokeWithResponseStreamCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deployRuntime, executable } from './custom-runtime-support.js';

/** A runtime client in plain Node (node is under /usr, so it exists in every sandbox). */
const NODE_BOOTSTRAP = `#!/usr/bin/node
const http = require('node:http');
const base = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime';
function call(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
function stream(id, parts, failure) {
  return new Promise((resolve, reject) => {
    const req = http.request(base + '/invocation/' + id + '/response', { method: 'POST', headers: {
      'Lambda-Runtime-Function-Response-Mode': 'streaming', 'Content-Type': 'text/plain',
      Trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body' } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    let i = 0;
    const tick = () => {
      if (i < parts.length) { req.write(parts[i++]); setTimeout(tick, 20); return; }
      if (failure) req.addTrailers({ 'Lambda-Runtime-Function-Error-Type': 'Error',
        'Lambda-Runtime-Function-Error-Body': Buffer.from(JSON.stringify({ errorType: 'Error', errorMessage: failure, trace: [] })).toString('base64') });
      req.end();
    };
    tick();
  });
}
(async () => {
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = next.headers['lambda-runtime-aws-request-id'];
    const event = JSON.parse(next.body);
    if (event.stream) { await stream(id, ['a', 'b', 'c'], event.failure); continue; }
    const statuses = {
      nextDuringInvocation: (await call('GET', '/invocation/next')).status,
      initErrorAfterInit: (await call('POST', '/init/error', '{}')).status,
      unknownId: await call('POST', '/invocation/not-a-request/response', '"x"'),
      deadlineInFuture: Number(next.headers['lambda-runtime-deadline-ms']) > Date.now(),
    };
    const first = await call('POST', '/invocation/' + id + '/response', JSON.stringify(statuses), { 'Content-Type': 'application/json' });
    const second = await call('POST', '/invocation/' + id + '/response', '"twice"');
    console.log('first', first.status, first.body, 'second', second.status, second.body);
  }
})();
`;

describe('Runtime API in the sandbox', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    await deployRuntime(lambda, 'client', { bootstrap: executable(NODE_BOOTSTRAP) }, { runtime: 'provided.al2023', timeout: 5 });
  });
  after(async () => server.dispose());

  test('error paths answer as the reference says, and only the first response counts', async () => {
    const { output, payload, log } = await invoke(lambda, 'client', {});
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    assert.deepEqual(payload, {
      nextDuringInvocation: 403,
      initErrorAfterInit: 403,
      unknownId: { status: 400, headers: (payload as { unknownId: { headers: unknown } }).unknownId.headers, body: '{"errorType":"InvalidRequestID","errorMessage":"Invalid request ID"}' },
      deadlineInFuture: true,
    });
    // The second response is logged by the next invocation's loop turn or this one's END.
    const again = await invoke(lambda, 'client', {});
    assert.match(log + again.log, /first 202 \{"status":"OK"\} second 400 \{"errorType":"InvalidRequestID","errorMessage":"Invalid request ID"\}/);
  });

  test('streaming response mode reaches InvokeWithResponseStream chunk by chunk; error trailers end it with ErrorCode', async () => {
    const read = async (event: unknown): Promise<{ text: string; chunks: number; errorCode: string | undefined }> => {
      const output = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: 'client', Payload: Buffer.from(JSON.stringify(event)) }));
      let text = '';
      let chunks = 0;
      let errorCode: string | undefined;
      for await (const item of output.EventStream ?? []) {
        if (item.PayloadChunk?.Payload) {
          text += Buffer.from(item.PayloadChunk.Payload).toString();
          chunks++;
        }
        if (item.InvokeComplete) errorCode = item.InvokeComplete.ErrorCode;
      }
      return { text, chunks, errorCode };
    };
    const ok = await read({ stream: true });
    assert.equal(ok.text, 'abc');
    assert.ok(ok.chunks >= 2, `written pieces arrive as separate chunks (${ok.chunks})`);
    assert.equal(ok.errorCode, undefined);
    const failed = await read({ stream: true, failure: 'broke' });
    assert.equal(failed.text, 'abc');
    assert.equal(failed.errorCode, 'Error');
  });
});
