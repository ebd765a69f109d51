// `nimbus invoke` and `nimbus logs` against a running platform, run as a user runs them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { CreateFunctionCommand, InvokeCommand, waitUntilFunctionActiveV2, type LambdaClient } from '@aws-sdk/client-lambda';
import { nimbus, type CliResult } from '../helpers/cli.js';
import { NIMBUS_BIN, startServer, type RunningServer } from '../helpers/server.js';
import { makeZip } from '../helpers/zip.js';

async function deploy(lambda: LambdaClient, name: string, source: string): Promise<void> {
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/test', Handler: 'index.handler',
    Code: { ZipFile: await makeZip({ 'index.js': source }) },
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('nimbus invoke and nimbus logs', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  let dir: string;
  let env: Record<string, string>;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
    env = { NIMBUS_ENDPOINT: server.url };
    dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-cli-invoke-'));
    await deploy(lambda, 'echo', 'exports.handler = async (event) => { console.log(`marker-${event.n}`); return { n: event.n, text: "hi" }; };\n');
    await deploy(lambda, 'broken', 'exports.handler = async () => { throw new TypeError("kaput"); };\n');
  });
  after(async () => {
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('invoke prints the payload as pretty JSON; --log adds the log tail on stderr; @file payloads', async () => {
    const plain = await nimbus(['invoke', 'echo', '--payload', '{"n":1}'], env);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, '{\n  "n": 1,\n  "text": "hi"\n}\n');
    assert.equal(plain.stderr, '');

    const logged = await nimbus(['invoke', 'echo', '--payload', '{"n":2}', '--log', '--endpoint', server.url]);
    assert.equal(logged.code, 0, logged.stderr);
    assert.deepEqual(JSON.parse(logged.stdout), { n: 2, text: 'hi' });
    assert.match(logged.stderr, /^START RequestId: \S+ Version: \$LATEST$/m);
    assert.match(logged.stderr, /\tINFO\tmarker-2$/m);
    assert.match(logged.stderr, /^REPORT RequestId: \S+\tDuration: /m);

    const file = path.join(dir, 'event.json');
    await writeFile(file, '{ "n": 3 }');
    const fromFile = await nimbus(['invoke', 'echo', '--payload', `@${file}`], env);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.deepEqual(JSON.parse(fromFile.stdout), { n: 3, text: 'hi' });
  });

  test('invoke --json gives StatusCode, ExecutedVersion, the parsed Payload and the decoded LogResult', async () => {
    const out = await nimbus(['invoke', 'echo', '--payload', '{"n":4}', '--json'], env);
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout) as { StatusCode: number; ExecutedVersion: string; Payload: unknown; LogResult: string; FunctionError?: string };
    assert.equal(result.StatusCode, 200);
    assert.equal(result.ExecutedVersion, '$LATEST');
    assert.equal(result.FunctionError, undefined);
    assert.deepEqual(result.Payload, { n: 4, text: 'hi' });
    assert.match(result.LogResult, /\tINFO\tmarker-4\n/);
  });

  test('a function error prints the error payload, then the error line, and exits 1', async () => {
    const out = await nimbus(['invoke', 'broken'], env);
    assert.equal(out.code, 1);
    const payload = JSON.parse(out.stdout) as { errorType: string; errorMessage: string };
    assert.equal(payload.errorType, 'TypeError');
    assert.equal(payload.errorMessage, 'kaput');
    assert.match(out.stderr, /error: function error \(Unhandled\)\n$/);
  });

  test('invoke: bad payloads are refused locally (exit 2); a missing function exits 1', async () => {
    const bad = await nimbus(['invoke', 'echo', '--payload', '{n:1}'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--payload is not valid JSON/);
    const noFile = await nimbus(['invoke', 'echo', '--payload', '@/no/such/file.json'], env);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /--payload @\/no\/such\/file\.json: cannot read/);
    const missing = await nimbus(['invoke', 'nope'], env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /ResourceNotFoundException/);
  });

  test('logs prints the lines of recent invocations; --filter and --since narrow them', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"n":10}') }));
    let out: CliResult = { code: -1, stdout: '', stderr: '' };
    await until(async () => {
      out = await nimbus(['logs', 'echo'], env);
      return /\tINFO\tmarker-10$/m.test(out.stdout) && /^REPORT RequestId: /m.test(out.stdout.split('marker-10')[1] ?? '');
    }, 'the marker-10 invocation in `nimbus logs`');
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trimEnd().split('\n');
    const marker = lines.findIndex((l) => l.endsWith('\tINFO\tmarker-10'));
    const requestId = lines[marker]?.split('\t')[1] ?? '';
    assert.equal(lines[marker - 1], `START RequestId: ${requestId} Version: $LATEST`);
    assert.equal(lines[marker + 1], `END RequestId: ${requestId}`);
    assert.match(lines[marker + 2] ?? '', new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms`));

    const filtered = await nimbus(['logs', 'echo', '--filter', '"marker-10"', '--since', '1h'], env);
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual(filtered.stdout.trimEnd().split('\n').map((l) => l.split('\t').pop()), ['marker-10']);

    const future = await nimbus(['logs', 'echo', '--since', '2999-01-01T00:00:00Z'], env);
    assert.equal(future.code, 0, future.stderr);
    assert.equal(future.stdout, '');
  });

  test('logs: a bad --since exits 2; a function never invoked exits 1 with a clear message', async () => {
    const badSince = await nimbus(['logs', 'echo', '--since', 'yesterday'], env);
    assert.equal(badSince.code, 2);
    assert.match(badSince.stderr, /--since must be a duration such as 30s, 10m, 2h, 1d or 1w, or an ISO time/);
    const never = await nimbus(['logs', 'never-invoked'], env);
    assert.equal(never.code, 1);
    assert.match(never.stderr, /log group \/aws\/lambda\/never-invoked does not exist/);
  });

  test('logs --follow prints new lines as they arrive, each once, until SIGINT', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"n":20}') }));
    const child = spawn(process.execPath, [NIMBUS_BIN, 'logs', 'echo', '--follow', '--since', '5m'], {
      env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await until(() => stdout.includes('\tINFO\tmarker-20\n'), 'marker-20 in the follow output');
      await lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"n":21}') }));
      await until(() => /^REPORT RequestId: /m.test(stdout.split('marker-21')[1] ?? ''), 'the marker-21 invocation in the follow output')
        .catch((err: Error) => assert.fail(`${err.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      await sleep(2500); // two more polls: nothing may be printed again
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0, stderr);
    const lines = stdout.trimEnd().split('\n');
    for (const n of [20, 21]) assert.equal(lines.filter((l) => l.endsWith(`\tINFO\tmarker-${n}`)).length, 1, stdout);
    assert.equal(new Set(lines).size, lines.length, `a line was printed twice:\n${stdout}`);
  });
});
