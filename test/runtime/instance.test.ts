// SandboxInstance over the driver this machine detects (or NIMBUS_TEST_SANDBOX=process|bwrap):
// every way a function can end maps to the Lambda error type the caller sees.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FunctionSpec } from '../../src/runtime/execution-types.js';
import { SandboxInstance } from '../../src/runtime/instance.js';
import { detectSandboxDriver } from '../../src/runtime/sandbox/index.js';
import type { SandboxDriver } from '../../src/runtime/sandbox/index.js';
import { FIXTURES } from './guest-session.js';

function spec(fixture: string, overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    account: '000000000000', region: 'us-east-1', name: fixture, version: '$LATEST', specKey: fixture, handler: 'index.handler',
    runtime: 'nodejs20.x', codeDir: path.join(FIXTURES, fixture), memoryMb: 256, timeoutSec: 5, ephemeralStorageMb: 512,
    environment: { GREETING: 'hi' }, logGroup: `/aws/lambda/${fixture}`, logFormat: 'Text', ...overrides,
  };
}

let n = 0;
const input = (event: unknown) => ({ requestId: `req-${++n}`, payload: Buffer.from(JSON.stringify(event)), invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f' });

describe('SandboxInstance', () => {
  let driver: SandboxDriver;
  let workDir: string;
  const instances: SandboxInstance[] = [];

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nimbus-instance-'));
    fs.chmodSync(workDir, 0o755);
    const preference = process.env['NIMBUS_TEST_SANDBOX'] === 'process' || process.env['NIMBUS_TEST_SANDBOX'] === 'bwrap' ? process.env['NIMBUS_TEST_SANDBOX'] : 'auto';
    driver = await detectSandboxDriver(preference, { workDir });
    console.log(`# instance tests over the ${driver.name} driver (memory cgroups: ${driver.memoryCgroups})`);
  });

  after(async () => {
    await Promise.all(instances.map((i) => i.dispose()));
    await driver.dispose();
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  async function make(s: FunctionSpec): Promise<SandboxInstance> {
    const instance = await SandboxInstance.create({ sandbox: await driver.start({ tmpMb: s.ephemeralStorageMb }), spec: s });
    instances.push(instance);
    return instance;
  }

  test('success: payload, lines, init duration on the first invoke only, memory used', async () => {
    const instance = await make(spec('sbx-probe'));
    assert.equal(instance.state, 'idle');
    assert.match(instance.logStream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/);
    const first = await instance.invoke(input({ action: 'log', value: 42 }));
    assert.deepEqual(first.result, { kind: 'success', payload: Buffer.from('42') });
    assert.ok(first.initDurationMs !== undefined && first.initDurationMs > 0);
    assert.ok(first.maxMemoryUsedMb > 0);
    assert.ok(first.lines.some((l) => /\tINFO\tline 1 \{ a: 1 \}$/.test(l.text)), JSON.stringify(first.lines));
    const second = await instance.invoke(input({ action: 'env' }));
    assert.equal(second.initDurationMs, undefined);
    assert.equal(second.result.kind, 'success');
    const env = (JSON.parse(second.result.kind === 'success' ? second.result.payload.toString() : '{}') as { env: Record<string, string> }).env;
    assert.equal(env['GREETING'], 'hi');
    assert.equal(env['AWS_LAMBDA_FUNCTION_NAME'], 'sbx-probe');
    assert.equal(env['AWS_LAMBDA_LOG_STREAM_NAME'], instance.logStream);
    assert.equal(instance.alive, true);
  });

  test('a thrown error is a handler error; the instance stays usable', async () => {
    const instance = await make(spec('sbx-probe'));
    const out = await instance.invoke(input({ action: 'throw' }));
    assert.equal(out.result.kind === 'error' && out.result.cause, 'handler');
    assert.equal(out.result.kind === 'error' && out.result.error.errorType, 'TypeError');
    assert.equal(instance.state, 'idle');
    assert.equal((await instance.invoke(input({ action: 'writeTmp' }))).result.kind, 'success');
  });

  test('process.exit → Runtime.ExitError, instance dead', async () => {
    const instance = await make(spec('sbx-probe'));
    const req = input({ action: 'exit', code: 3 });
    const out = await instance.invoke(req);
    assert.deepEqual(out.result, {
      kind: 'error', cause: 'exit',
      error: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 3`, trace: [] },
    });
    assert.equal(instance.alive, false);
  });

  test('an infinite loop past the timeout → Sandbox.Timedout after ~1 s, instance dead', async () => {
    const instance = await make(spec('sbx-probe', { timeoutSec: 1 }));
    const req = input({ action: 'loop' });
    const out = await instance.invoke(req);
    assert.equal(out.result.kind, 'error');
    assert.deepEqual(out.result.kind === 'error' && out.result.error, {
      errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`, trace: [],
    });
    assert.ok(out.durationMs >= 990 && out.durationMs < 3000, String(out.durationMs));
    assert.equal(instance.alive, false);
  });

  test('allocating past 128 MB → Runtime.OutOfMemory (memory cgroups) or a failed allocation (rlimit)', async () => {
    const instance = await make(spec('sbx-probe', { memoryMb: 128 }));
    const out = await instance.invoke(input({ action: 'hog', mb: 512 }));
    assert.equal(out.result.kind, 'error');
    if (driver.memoryCgroups) {
      assert.equal(out.result.kind === 'error' && out.result.error.errorType, 'Runtime.OutOfMemory');
      assert.equal(out.result.kind === 'error' && out.result.cause, 'out-of-memory');
      assert.ok(out.maxMemoryUsedMb >= 100, String(out.maxMemoryUsedMb));
      assert.equal(instance.alive, false);
    } else {
      assert.match(out.result.kind === 'error' ? out.result.error.errorType : '', /RangeError|Runtime\.ExitError/);
    }
  });

  test('a 7 MB response → Function.ResponseSizeTooLarge; the instance still serves', async () => {
    const instance = await make(spec('sbx-probe'));
    const out = await instance.invoke(input({ action: 'big', bytes: 7 * 1024 * 1024 }));
    assert.deepEqual(out.result, {
      kind: 'error', cause: 'response-too-large',
      error: { errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).', trace: [] },
    });
    assert.equal(instance.alive, true);
    const ok = await instance.invoke(input({ action: 'big', bytes: 6 * 1024 * 1024 }));
    assert.equal(ok.result.kind, 'success');
  });

  test('an INIT failure is reported by the first invoke, then the instance is dead', async () => {
    const instance = await make(spec('sbx-cjs', { handler: 'index.nothere' }));
    const out = await instance.invoke(input({}));
    assert.equal(out.result.kind === 'error' && out.result.cause, 'init');
    assert.equal(out.result.kind === 'error' && out.result.error.errorType, 'Runtime.HandlerNotFound');
    assert.ok(out.initDurationMs !== undefined);
    assert.ok(out.lines.some((l) => l.text.includes('\tundefined\tERROR\tUncaught Exception \t{"errorType":"Runtime.HandlerNotFound"')), JSON.stringify(out.lines));
    assert.equal(instance.alive, false);
  });

  test('an uncaught exception after the response: error reported, instance dead', async () => {
    const instance = await make(spec('sbx-probe'));
    const out = await instance.invoke(input({ action: 'uncaught' }));
    assert.equal(out.result.kind === 'error' && out.result.error.errorMessage, 'async boom');
    assert.equal(instance.alive, false);
  });
});
