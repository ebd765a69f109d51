// A bad function never hurts the platform: every failure is a Lambda error, and the
// next invoke of every function still works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InvokeCommand, PutFunctionConcurrencyCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deploy, invoke } from '../helpers/functions.js';

describe('function failures', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    await deploy(lambda, 'healthy', { 'index.js': 'exports.handler = async (e) => ({ ok: true, e });' });
  });
  after(async () => server.dispose());

  async function assertEveryoneStillWorks(failing: string, event: unknown = {}): Promise<void> {
    assert.deepEqual((await invoke(lambda, 'healthy', { n: 1 })).payload, { ok: true, e: { n: 1 } });
    const again = await invoke(lambda, failing, { ...(event as object), harmless: true });
    assert.equal(again.output.FunctionError, undefined, `${failing} recovers: ${JSON.stringify(again.payload)}`);
  }

  test('a thrown Error → Unhandled with errorType, errorMessage and trace', async () => {
    await deploy(lambda, 'thrower', { 'index.js': 'exports.handler = async (e) => { if (e.harmless) return "fine"; throw new TypeError("boom"); };' });
    const { output, payload, log } = await invoke(lambda, 'thrower');
    assert.equal(output.StatusCode, 200);
    assert.equal(output.FunctionError, 'Unhandled');
    const p = payload as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(p.errorType, 'TypeError');
    assert.equal(p.errorMessage, 'boom');
    assert.match(p.trace[0] ?? '', /^TypeError: boom/);
    assert.match(log, /Invoke Error/);
    await assertEveryoneStillWorks('thrower');
  });

  test('a missing handler export → Runtime.HandlerNotFound; a syntax error → Runtime.UserCodeSyntaxError', async () => {
    await deploy(lambda, 'no-export', { 'index.js': 'exports.other = 1;' });
    const missing = await invoke(lambda, 'no-export');
    assert.equal((missing.payload as { errorType: string }).errorType, 'Runtime.HandlerNotFound');
    await deploy(lambda, 'syntax', { 'index.js': 'exports.handler = async () => {' });
    const syntax = await invoke(lambda, 'syntax');
    assert.equal((syntax.payload as { errorType: string }).errorType, 'Runtime.UserCodeSyntaxError');
    assert.equal(syntax.output.FunctionError, 'Unhandled');
  });

  test('process.exit → Runtime.ExitError', async () => {
    await deploy(lambda, 'exiter', { 'index.js': 'exports.handler = async (e) => { if (e.harmless) return "fine"; process.exit(3); };' });
    const { output, payload } = await invoke(lambda, 'exiter');
    assert.equal(output.FunctionError, 'Unhandled');
    const p = payload as { errorType: string; errorMessage: string };
    assert.equal(p.errorType, 'Runtime.ExitError');
    assert.match(p.errorMessage, new RegExp(`^RequestId: ${output.$metadata.requestId} Error: Runtime exited with error: exit status 3$`));
    await assertEveryoneStillWorks('exiter');
  });

  test('an endless loop → Sandbox.Timedout after the configured timeout', async () => {
    await deploy(lambda, 'looper', { 'index.js': 'exports.handler = async (e) => { if (e.harmless) return "fine"; for (;;) {} };' }, { timeout: 1 });
    const { output, payload, log } = await invoke(lambda, 'looper');
    assert.equal(output.FunctionError, 'Unhandled');
    assert.deepEqual(payload, { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${output.$metadata.requestId} Error: Task timed out after 1.00 seconds` });
    assert.match(log, /Task timed out after 1\.00 seconds/);
    await assertEveryoneStillWorks('looper');
  });

  test('allocating past MemorySize → killed and reported as out of memory', async () => {
    await deploy(lambda, 'hog', {
      'index.js': 'const keep = []; exports.handler = async (e) => { if (e.harmless) return "fine"; for (;;) { keep.push(Buffer.alloc(16 * 1024 * 1024, 1)); } };',
    }, { memorySize: 128 });
    const { output, payload } = await invoke(lambda, 'hog');
    assert.equal(output.FunctionError, 'Unhandled');
    const p = payload as { errorType: string; errorMessage: string };
    assert.match(p.errorType, /^Runtime\.(OutOfMemory|ExitError)$/);
    assert.match(p.errorMessage, /RequestId: .* Error: Runtime exited with error: signal: killed|out of memory/i);
    await assertEveryoneStillWorks('hog');
  });

  test('writing 600 MB to /tmp (512 MB) fails inside the handler with ENOSPC', async () => {
    await deploy(lambda, 'filler', {
      'index.js': `const fs = require('fs');
exports.handler = async (e) => {
  if (e.harmless) return 'fine';
  const chunk = Buffer.alloc(8 * 1024 * 1024, 7);
  try { for (let i = 0; i < 75; i++) fs.appendFileSync('/tmp/big', chunk); return 'wrote it all'; }
  catch (err) { return err.code; } finally { fs.rmSync('/tmp/big', { force: true }); }
};`,
    }, { memorySize: 1024, timeout: 30 });
    const { payload } = await invoke(lambda, 'filler');
    assert.equal(payload, 'ENOSPC');
    await assertEveryoneStillWorks('filler');
  });

  test('a 7 MB response → Function.ResponseSizeTooLarge', async () => {
    await deploy(lambda, 'big-answer', { 'index.js': 'exports.handler = async (e) => e.harmless ? "fine" : "x".repeat(7 * 1024 * 1024);' }, { memorySize: 512 });
    const { output, payload } = await invoke(lambda, 'big-answer');
    assert.equal(output.FunctionError, 'Unhandled');
    assert.deepEqual(payload, { errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', errorType: 'Function.ResponseSizeTooLarge' });
    await assertEveryoneStillWorks('big-answer');
  });

  test('reserved concurrency 1 and two concurrent calls → one 429 with Lambda’s Reason', async () => {
    await deploy(lambda, 'single', { 'index.js': 'exports.handler = async () => { await new Promise((r) => setTimeout(r, 800)); return "done"; };' });
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'single', ReservedConcurrentExecutions: 1 }));
    const results = await Promise.allSettled([
      lambda.send(new InvokeCommand({ FunctionName: 'single' })),
      new Promise((r) => setTimeout(r, 100)).then(() => lambda.send(new InvokeCommand({ FunctionName: 'single' }))),
    ]);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(rejected.length, 1);
    const err = rejected[0]?.reason as Error & { Reason?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, 'TooManyRequestsException');
    assert.equal(err.$metadata?.httpStatusCode, 429);
    assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: 'single', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: 'single' })), { name: 'TooManyRequestsException' });
  });
});
