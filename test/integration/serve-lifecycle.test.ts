// The platform process: restart keeps everything, one server per data dir, clean stop.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CreateFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import { NIMBUS_BIN, makeDataDir, startServer } from '../helpers/server.js';
import { helloZip } from '../helpers/zip.js';

test('a restart on the same data dir keeps functions and code; a second server on it is refused', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startServer({ dataDir });
    const zip = await helloZip();
    const created = await first.lambda().send(new CreateFunctionCommand({
      FunctionName: 'durable', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', Code: { ZipFile: zip }, MemorySize: 512,
    }));

    const second = spawnSync(process.execPath, [NIMBUS_BIN, 'serve', '--port', '0', '--data-dir', dataDir], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(second.status, 2);
    assert.match(second.stderr, /data directory is in use by another nimbus process/);

    assert.equal(await first.stop('SIGTERM'), 0, 'SIGTERM stops cleanly with exit 0');
    assert.match(first.output(), /stopping intake/);

    const restarted = await startServer({ dataDir });
    try {
      const got = await restarted.lambda().send(new GetFunctionCommand({ FunctionName: 'durable' }));
      assert.equal(got.Configuration?.CodeSha256, created.CodeSha256);
      assert.equal(got.Configuration?.MemorySize, 512);
      assert.equal(got.Configuration?.State, 'Active');
      const download = await fetch(got.Code?.Location ?? '');
      assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip);
    } finally {
      await restarted.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a SIGKILLed server leaves no stale lock: the next start works', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startServer({ dataDir });
    await first.lambda().send(new CreateFunctionCommand({
      FunctionName: 'crash', Runtime: 'nodejs20.x', Role: 'arn:aws:iam::000000000000:role/r', Handler: 'index.handler', Code: { ZipFile: await helloZip() },
    }));
    await first.stop('SIGKILL');
    const again = await startServer({ dataDir });
    try {
      const got = await again.lambda().send(new GetFunctionCommand({ FunctionName: 'crash' }));
      assert.equal(got.Configuration?.State, 'Active');
    } finally {
      await again.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a bad configuration value stops start-up with a message naming the key', () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--port', 'abc'], {}, /--port/],
    [[], { NIMBUS_PORT: '70000' }, /NIMBUS_PORT/],
    [['--sandbox', 'docker'], {}, /--sandbox/],
    [['--store', 'mysql://x'], {}, /--store/],
    [['--store-schema', 'Bad-Schema'], {}, /--store-schema/],
    // Cluster mode with no PostgreSQL answering: a clear message, not a stack trace.
    [['--store', 'postgres://nimbus@127.0.0.1:1/x'], {}, /cannot open the PostgreSQL store: .*ECONNREFUSED/],
  ];
  for (const [args, env, message] of cases) {
    const run = spawnSync(process.execPath, [NIMBUS_BIN, 'serve', '--data-dir', '/tmp/nimbus-never-used', ...args], {
      encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '', ...env },
    });
    assert.equal(run.status, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});
