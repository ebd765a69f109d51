// Calls queued on a busy instance (pipelining, src/runtime/scheduler.ts): under a flood of
// short calls, the host sends a call to a busy instance's guest at once and the guest runs its
// calls one at a time. What a caller must see is what it sees without it: its own answer and
// its own log lines; a call queued behind one that kills the runtime, or behind one that runs
// long, runs on another instance, once, without waiting for it. An instance held to its CPU
// share (a small MemorySize) takes no queued calls: more instances start instead.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { deploy, invoke } from '../helpers/functions.js';
import { startServer, type RunningServer } from '../helpers/server.js';
import { requireCpuLimits } from '../helpers/privileges.js';

const HANDLER = `
exports.handler = async (event, context) => {
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  if (event.exit) process.exit(3);
  console.log('handling', event.id);
  return { id: event.id, requestId: context.awsRequestId };
};
`;

interface Answer { status: number; payload: { id: string; requestId: string }; requestId: string; log: string }

async function call(server: RunningServer, name: string, event: Record<string, unknown>): Promise<Answer> {
  const res = await fetch(`${server.url}/2015-03-31/functions/${name}/invocations`, {
    method: 'POST', body: JSON.stringify(event), headers: { 'content-type': 'application/json', 'x-amz-log-type': 'Tail' },
  });
  const text = await res.text();
  return {
    status: res.status, payload: JSON.parse(text) as Answer['payload'], requestId: res.headers.get('x-amzn-requestid') ?? '',
    log: Buffer.from(res.headers.get('x-amz-log-result') ?? '', 'base64').toString('utf8'),
  };
}

async function queuedNow(server: RunningServer, name: string): Promise<number> {
  const body = (await (await fetch(`${server.url}/nimbus/v1/instances`)).json()) as { functions: { name: string; queued: number }[] };
  return body.functions.find((f) => f.name === name)?.queued ?? 0;
}

describe('calls queued on busy instances', () => {
  let server: RunningServer;
  let lambda: LambdaClient;
  before(async () => {
    server = await startServer();
    lambda = server.lambda();
  });
  after(async () => server.dispose());

  test('a flood of short calls: each caller gets its own answer and only its own log lines', async () => {
    await deploy(lambda, 'flood', { 'index.js': HANDLER });
    for (let i = 0; i < 20; i++) await invoke(lambda, 'flood', { id: `warm-${i}` }); // one warm instance; the function's duration learned
    let maxQueued = 0;
    let flooding = true;
    const watch = (async () => {
      while (flooding) maxQueued = Math.max(maxQueued, await queuedNow(server, 'flood'));
    })();
    const answers: { id: string; answer: Answer }[] = [];
    await Promise.all(Array.from({ length: 32 }, async (_, worker) => {
      for (let i = 0; i < 15; i++) {
        const id = `w${worker}-c${i}`;
        answers.push({ id, answer: await call(server, 'flood', { id }) });
      }
    }));
    flooding = false;
    await watch;
    assert.equal(answers.length, 480);
    for (const { id, answer } of answers) {
      assert.equal(answer.status, 200, id);
      assert.deepEqual(answer.payload, { id, requestId: answer.requestId });
      const lines = answer.log.trimEnd().split('\n');
      assert.match(lines[0] ?? '', new RegExp(`^START RequestId: ${answer.requestId} Version: \\$LATEST$`));
      assert.match(answer.log, new RegExp(`\\t${answer.requestId}\\tINFO\\thandling ${id}\\n`));
      assert.match(lines.at(-1) ?? '', new RegExp(`^REPORT RequestId: ${answer.requestId}\\t`));
      // No line of another call: every request id in the tail is this one's.
      for (const other of answer.log.matchAll(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g)) assert.equal(other[0], answer.requestId, id);
    }
    assert.ok(maxQueued > 0, 'no call was ever queued on a busy instance (the flood did not exercise queueing)');
  });

  test('calls queued behind one that kills the runtime run on another instance, once each', async () => {
    await deploy(lambda, 'crash', { 'index.js': HANDLER });
    for (let i = 0; i < 20; i++) await invoke(lambda, 'crash', { id: `warm-${i}` });
    for (let round = 0; round < 5; round++) {
      const crasher = call(server, 'crash', { id: 'crasher', sleepMs: 30, exit: true });
      await new Promise((r) => setTimeout(r, 5)); // it is running
      const others = await Promise.all(Array.from({ length: 8 }, (_, i) => call(server, 'crash', { id: `r${round}-${i}` })));
      const crashed = await crasher;
      assert.equal(crashed.status, 200);
      assert.match(JSON.stringify(crashed.payload), /Runtime\.ExitError/);
      others.forEach((answer, i) => {
        assert.deepEqual(answer.payload, { id: `r${round}-${i}`, requestId: answer.requestId });
        assert.equal([...answer.log.matchAll(/^START RequestId/gm)].length, 1, 'ran once');
      });
    }
  });

  test('a call queued behind a slow one does not wait for it', async () => {
    await deploy(lambda, 'slow', { 'index.js': HANDLER }, { timeout: 10 });
    for (let i = 0; i < 20; i++) await invoke(lambda, 'slow', { id: `warm-${i}` });
    const slow = call(server, 'slow', { id: 'slow', sleepMs: 4_000 });
    await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    const quick = await Promise.all(Array.from({ length: 4 }, (_, i) => call(server, 'slow', { id: `q${i}` })));
    const took = Date.now() - started;
    quick.forEach((answer, i) => assert.equal(answer.payload.id, `q${i}`));
    assert.ok(took < 2_000, `the quick calls took ${took} ms behind a 4 s call`);
    assert.equal((await slow).payload.id, 'slow');
  });
});

/** About 0.1 ms of CPU per call: at 128 MB (1.45 ms of CPU per 20 ms) an instance serves ~14 calls a period. */
const SPIN = `
exports.handler = async () => {
  const end = performance.now() + 0.1;
  while (performance.now() < end);
  return 'spun';
};
`;

async function instancesNow(server: RunningServer, name: string): Promise<{ live: number; cpuThrottled: number }> {
  const body = (await (await fetch(`${server.url}/nimbus/v1/instances`)).json()) as { functions: { name: string; live: number; cpuThrottled: number }[] };
  return body.functions.find((f) => f.name === name) ?? { live: 0, cpuThrottled: 0 };
}

describe('calls to a function held to its CPU share', { skip: requireCpuLimits() }, () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => server.dispose());

  test('a flood of calls to a 128 MB function over its CPU share starts more instances instead of queueing on throttled ones', async () => {
    const lambda = server.lambda();
    await deploy(lambda, 'share', { 'index.js': SPIN }, { memorySize: 128 });
    for (let i = 0; i < 20; i++) await invoke(lambda, 'share', {}); // one warm instance; the function's duration learned
    let flooding = true;
    let maxLive = 0;
    let maxThrottled = 0;
    const watcher = (async () => {
      while (flooding) {
        const now = await instancesNow(server, 'share');
        maxLive = Math.max(maxLive, now.live);
        maxThrottled = Math.max(maxThrottled, now.cpuThrottled);
      }
    })();
    const answers: number[] = [];
    const caller = async (): Promise<void> => {
      const until = Date.now() + 2_000;
      while (Date.now() < until) answers.push((await call(server, 'share', { id: 'x' })).status);
    };
    await Promise.all(Array.from({ length: 16 }, caller));
    flooding = false;
    await watcher;
    console.log(`# share: ${answers.length} calls, at most ${maxLive} instances, ${maxThrottled} of them seen throttled at once`);
    assert.ok(answers.length > 0 && answers.every((s) => s === 200), `statuses: ${[...new Set(answers)].join(', ')}`);
    // The platform saw the instances wait out their share (cgroup cpu.stat), and started more:
    // one instance serves ~700 calls a second at its share, each new one brings another.
    assert.ok(maxThrottled >= 1, 'no instance was ever reported held to its CPU share');
    assert.ok(maxLive >= 3, `only ${maxLive} instances served 16 callers of a throttled function`);
  });
});
