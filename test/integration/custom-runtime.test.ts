// provided.al2023 / provided.al2: the zip's own `bootstrap` runs the invocation loop against
// the Runtime API (here sh + curl, as in Lambda's tutorial) in a real sandbox, and failures
// behave as they do for the Node runtime: the sandbox is replaced and the next call works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { deployRuntime, executable, SHELL_BOOTSTRAP } from './custom-runtime-support.js';

const HANDLERS = `
handler() {
  case "$1" in
    *fail*) echo "asked to fail"; return 3 ;;
    *sleep*) sleep 5 ;;
    *crash*) return 107 ;;
  esac
  echo "log line from the handler" >&2
  printf '{"echo":%s,"arn":"%s","env":"%s"}' "$1" "$ARN" "\${AWS_EXECUTION_ENV:-none}"
}
`;

describe('custom runtimes (provided.*)', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    await deployRuntime(lambda, 'shell', { bootstrap: executable(SHELL_BOOTSTRAP), 'function.sh': HANDLERS }, { runtime: 'provided.al2023', timeout: 2 });
  });
  after(async () => server.dispose());

  test('a shell bootstrap with curl returns results, with the invocation headers and the environment', async () => {
    const { output, payload, log } = await invoke(lambda, 'shell', { name: 'x' });
    assert.equal(output.FunctionError, undefined, JSON.stringify(payload));
    const p = payload as { echo: unknown; arn: string; env: string };
    assert.deepEqual(p.echo, { name: 'x' });
    assert.match(p.arn, /^arn:aws:lambda:us-east-1:\d{12}:function:shell$/);
    assert.equal(p.env, 'none', 'AWS_EXECUTION_ENV is not set for provided runtimes');
    assert.match(log, /START RequestId/);
    assert.match(log, /REPORT RequestId/);
    // The warm instance serves the next call from the same loop.
    assert.deepEqual(((await invoke(lambda, 'shell', { n: 2 })).payload as { echo: unknown }).echo, { n: 2 });
  });

  test('an error posted to /error reaches the caller as Unhandled with the body as posted', async () => {
    const { output, payload } = await invoke(lambda, 'shell', { fail: true });
    assert.equal(output.FunctionError, 'Unhandled');
    assert.deepEqual(payload, { errorType: 'Function.ShellError', errorMessage: 'asked to fail' });
    assert.equal((await invoke(lambda, 'shell', {})).output.FunctionError, undefined);
  });

  test('a timeout is Sandbox.Timedout and a crash Runtime.ExitError with the exit status; the next call works', async () => {
    const slow = await invoke(lambda, 'shell', { sleep: true });
    assert.equal(slow.output.FunctionError, 'Unhandled');
    assert.equal((slow.payload as { errorType: string }).errorType, 'Sandbox.Timedout');
    const crash = await invoke(lambda, 'shell', { crash: true });
    assert.equal(crash.output.FunctionError, 'Unhandled');
    assert.deepEqual(crash.payload, { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${crash.output.$metadata.requestId ?? ''} Error: Runtime exited with error: exit status 107` });
    assert.equal((await invoke(lambda, 'shell', { after: 1 })).output.FunctionError, undefined);
  });

  test('provided.al2 is accepted; a bootstrap that exits during init is an init failure', async () => {
    await deployRuntime(lambda, 'dies', { bootstrap: executable('#!/bin/sh\necho "cannot start" >&2\nexit 4\n') }, { runtime: 'provided.al2' });
    const { output, payload, log } = await invoke(lambda, 'dies');
    assert.equal(output.FunctionError, 'Unhandled');
    assert.equal((payload as { errorType: string }).errorType, 'Runtime.ExitError');
    assert.match((payload as { errorMessage: string }).errorMessage, /exit status 4/);
    assert.match(log, /cannot start/);
  });
});

describe('custom runtimes under the process sandbox', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer({ args: ['--sandbox', 'process'] });
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('the bootstrap runs as a child of the guest, with the Runtime API on a port of its own', async () => {
    await deployRuntime(lambda, 'shell', { bootstrap: executable(SHELL_BOOTSTRAP), 'function.sh': HANDLERS }, { runtime: 'provided.al2023' });
    await deployRuntime(lambda, 'py', { 'app.py': 'import os\ndef handler(e, c):\n    return os.environ["AWS_LAMBDA_RUNTIME_API"]\n' }, { runtime: 'python3.12', handler: 'app.handler' });
    const [shell, py] = await Promise.all([invoke(lambda, 'shell', { n: 1 }), invoke(lambda, 'py', {})]);
    assert.deepEqual((shell.payload as { echo: unknown }).echo, { n: 1 }, JSON.stringify(shell.payload));
    assert.match(String(py.payload), /^127\.0\.0\.1:\d+$/, JSON.stringify(py.payload));
  });
});
