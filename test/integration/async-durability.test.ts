// An accepted event is never lost: kill -9 the platform at any point, restart it on the
// same data dir, and every event accepted with a 202 still runs.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { logMessages, logsClient, waitForLogs } from '../helpers/logs.js';
import { makeDataDir, startServer } from '../helpers/server.js';

const RUNNER = (sleepMs: number): Record<string, string> => ({
  'index.js': `exports.handler = async (event, context) => { await new Promise((r) => setTimeout(r, ${sleepMs})); console.log('ran ' + context.awsRequestId); return 'ok'; };`,
});

async function invokeAsync(lambda: LambdaClient, name: string, n: number): Promise<string> {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify({ n })) }));
  assert.equal(out.StatusCode, 202);
  return out.$metadata.requestId ?? '';
}

function runsById(messages: string[]): Map<string, number> {
  const runs = new Map<string, number>();
  for (const m of messages) {
    const id = /\tran ([0-9a-f-]{36})$/.exec(m)?.[1];
    if (id) runs.set(id, (runs.get(id) ?? 0) + 1);
  }
  return runs;
}

test('202 means durable: kill -9 right after it, restart, and the event runs', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startServer({ dataDir });
    await deploy(first.lambda(), 'slow', RUNNER(2000));
    const id = await invokeAsync(first.lambda(), 'slow', 1);
    await first.stop('SIGKILL');
    const second = await startServer({ dataDir });
    const logs = logsClient(second);
    try {
      const seen = await waitForLogs(logs, 'slow', (m) => runsById(m).has(id), 30_000);
      assert.ok(runsById(seen).has(id));
    } finally {
      logs.destroy();
      await second.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('500 events across 5 functions survive a kill -9 mid-way: each runs, duplicates only from the ones running', async () => {
  const dataDir = await makeDataDir();
  const concurrency = 16;
  const names = ['d0', 'd1', 'd2', 'd3', 'd4'];
  try {
    const first = await startServer({ dataDir, args: ['--async-concurrency', String(concurrency)] });
    const lambda = first.lambda();
    for (const name of names) await deploy(lambda, name, RUNNER(20));
    const ids = new Map<string, string>();
    await Promise.all(names.map(async (name) => {
      for (let n = 0; n < 100; n++) ids.set(await invokeAsync(lambda, name, n), name);
    }));
    assert.equal(ids.size, 500);
    // Let some run, then kill in the middle of the work.
    const firstLogs = logsClient(first);
    await waitForLogs(firstLogs, 'd0', (m) => runsById(m).size >= 5, 30_000);
    firstLogs.destroy();
    await first.stop('SIGKILL');

    const second = await startServer({ dataDir, args: ['--async-concurrency', String(concurrency)] });
    const logs = logsClient(second);
    try {
      const runs = new Map<string, number>();
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        runs.clear();
        for (const name of names) for (const [id, count] of runsById(await logMessages(logs, name, '"ran"'))) runs.set(id, count);
        if ([...ids.keys()].every((id) => runs.has(id))) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const missing = [...ids.keys()].filter((id) => !runs.has(id));
      assert.deepEqual(missing, [], `${missing.length} accepted events never ran`);
      const duplicated = [...runs.values()].filter((count) => count > 1).length;
      assert.ok(duplicated <= concurrency, `${duplicated} events ran twice; at most the ${concurrency} running at the kill may`);
    } finally {
      logs.destroy();
      await second.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
