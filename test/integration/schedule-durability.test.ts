// Each tick fires exactly once across crashes: kill -9 after ticks were committed but
// before they ran loses none and doubles none; a restart does not fire a tick again; a
// tick that came due while the platform was down fires once on recovery.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { deploy } from '../helpers/functions.js';
import { makeDataDir, startServer } from '../helpers/server.js';
import { admin, atExpression, eventLogger, loggedEvents, waitForEvents, type LoggedEvent } from './schedule-support.js';

const ruleOf = (e: LoggedEvent): string => String((e.event.resources as string[] | undefined)?.[0]).replace(/^.*:rule\//, '');

interface AsyncEventView { RequestId: string; Source: string; Status: string }

async function asyncEvents(url: string, fn: string, status?: string): Promise<AsyncEventView[]> {
  const res = await fetch(`${url}/nimbus/v1/events?function=${fn}${status ? `&status=${status}` : ''}`);
  return ((await res.json()) as { Events: AsyncEventView[] }).Events;
}

test('kill -9 between ticks and their invocations: after the restart every tick runs, none fires twice', async () => {
  const dataDir = await makeDataDir();
  const names = ['t0', 't1', 't2', 't3'];
  try {
    // One delivery at a time, each 1.5 s: committed ticks wait in the queue.
    const first = await startServer({ dataDir, args: ['--async-concurrency', '1'] });
    await deploy(first.lambda(), 'slowtick', eventLogger(1500));
    const { expression, instant } = atExpression(3);
    for (const name of names) assert.equal((await admin(first, 'POST', '', { name, expression, function: 'slowtick' })).status, 201);
    let queued: AsyncEventView[] = [];
    const deadline = Date.now() + 20_000;
    while (queued.length < 2 && Date.now() < deadline) {
      queued = await asyncEvents(first.url, 'slowtick', 'queued');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(queued.length >= 2, `ticks committed but not yet invoked: ${queued.length}`);
    await first.stop('SIGKILL');

    const second = await startServer({ dataDir, args: ['--async-concurrency', '1'] });
    try {
      const events = await waitForEvents(second, 'slowtick', (e) => names.every((n) => e.some((x) => ruleOf(x) === n)), 30_000);
      for (const name of names) {
        const mine = events.filter((e) => ruleOf(e) === name);
        assert.equal(new Set(mine.map((e) => e.event.id)).size, 1, `${name}: one scheduled event`);
        assert.equal(new Set(mine.map((e) => e.requestId)).size, 1, `${name}: one async event`);
        assert.equal(mine[0]?.event.time, new Date(instant).toISOString().replace('.000Z', 'Z'));
      }
      const runs = events.length - names.length;
      assert.ok(runs <= 1, `only the event running at the kill may run again (at-least-once delivery); ${runs} extra runs`);
      const all = await asyncEvents(second.url, 'slowtick');
      assert.deepEqual(all.map((e) => e.Source), names.map(() => 'schedule'), 'one queued event per tick, none added by the restart');
      for (const name of names) {
        const s = await admin(second, 'GET', `/${name}`);
        assert.equal(s.body.lastFiredAt, new Date(instant).toISOString().replace('.000Z', 'Z'));
        assert.equal(s.body.nextFireAt, undefined);
      }
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('a restart does not fire a tick again; a tick due while down fires once on recovery', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startServer({ dataDir });
    await deploy(first.lambda(), 'recover', eventLogger());
    // A rate starts at once: its first tick fires now, the next one in a minute.
    assert.equal((await admin(first, 'POST', '', { name: 'minutely', expression: 'rate(1 minute)', function: 'recover' })).status, 201);
    await waitForEvents(first, 'recover', (e) => e.some((x) => ruleOf(x) === 'minutely'));
    while ((await asyncEvents(first.url, 'recover', 'succeeded')).length === 0) await new Promise((r) => setTimeout(r, 50)); // settled: a kill cannot redeliver it
    const missed = atExpression(3);
    assert.equal((await admin(first, 'POST', '', { name: 'missed', expression: missed.expression, function: 'recover' })).status, 201);
    await first.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, Math.max(0, missed.instant + 500 - Date.now()))); // down when it comes due

    const second = await startServer({ dataDir });
    try {
      const events = await waitForEvents(second, 'recover', (e) => e.some((x) => ruleOf(x) === 'missed'));
      assert.equal(events.find((x) => ruleOf(x) === 'missed')?.event.time, new Date(missed.instant).toISOString().replace('.000Z', 'Z'), 'the event names the tick it is for');
      await new Promise((r) => setTimeout(r, 1000)); // room for a wrong second firing to show
      const after = await loggedEvents(second, 'recover');
      assert.deepEqual(after.map(ruleOf).sort(), ['minutely', 'missed'], 'each tick once; the rate did not fire again on restart');
    } finally {
      await second.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
