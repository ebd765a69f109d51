// The ticker against a real SQLite store with a fake clock: it fires the right ticks, sleeps
// on one timer until the next one, fires once after an outage (not a storm), never for a
// disabled schedule, and never twice for one tick even with two tickers racing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ScheduleService } from '../../src/control/schedules/schedule-service.js';
import type { ScheduleInput } from '../../src/control/schedules/schedule-input.js';
import type { Store } from '../../src/store/ports.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { ScheduleTicker, type TickerTimers } from '../../src/triggers/schedule/ticker.js';

const at = (iso: string): number => Date.parse(iso);

/** Timers the test fires by hand: it sees what the ticker sleeps for, and time moves only when it says. */
class ManualTimers implements TickerTimers {
  pending: { callback: () => void; delayMs: number } | undefined;
  set(callback: () => void, delayMs: number): unknown {
    assert.equal(this.pending, undefined, 'one timer at a time');
    this.pending = { callback, delayMs };
    return this.pending;
  }
  clear(handle: unknown): void {
    if (handle !== undefined && handle === this.pending) this.pending = undefined;
  }
  fire(): void {
    const timer = this.pending;
    assert.ok(timer, 'a timer is set');
    this.pending = undefined;
    timer.callback();
  }
}

let dir: string;
const stores: Store[] = [];

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'nimbus-ticker-'));
});
after(async () => {
  for (const s of stores) await s.close();
  await rm(dir, { recursive: true, force: true });
});

/** A platform slice per test: its own store, clock, ticker and service. */
function rig(start: string) {
  const store = createSqliteStore(path.join(dir, `${stores.length}.db`));
  stores.push(store);
  const scope = { account: '000000000000', region: 'us-east-1' };
  const clock = { now: at(start) };
  const timers = new ManualTimers();
  const log: string[] = [];
  let fired = 0;
  const newTicker = (): ScheduleTicker => new ScheduleTicker({
    schedules: store.schedules, clock: () => clock.now, timers, onFired: () => fired++, onError: (err) => assert.fail(String(err)), log: (line) => log.push(line),
  });
  let ticker = newTicker();
  const service = new ScheduleService({ repository: store.schedules, clock: () => clock.now, functionExists: () => Promise.resolve(true), changed: () => ticker.wake() });
  return {
    store, scope, clock, timers, log, service,
    get ticker() {
      return ticker;
    },
    fired: () => fired,
    /** What the ticker sleeps for now (ms), undefined when it waits for nothing. */
    sleep: (): number | undefined => timers.pending?.delayMs,
    /** A new ticker, as after a restart. */
    restart() {
      ticker = newTicker();
      return ticker;
    },
    add: (name: string, input: Partial<ScheduleInput> & { expression: string }) => service.create({ ...scope, name }, { function: 'fn', ...input }),
    async events(fn = 'fn') {
      const list = await store.events.list({ ...scope, name: fn, limit: 1000 });
      return list.map((e) => ({ source: e.source, payload: JSON.parse(e.payload.toString('utf8')) as Record<string, unknown> })).reverse();
    },
    async advanceTo(iso: string) {
      clock.now = at(iso);
      timers.fire();
      await ticker.idle();
    },
  };
}

test('a cron schedule fires each tick with the scheduled event, sleeping on one timer until the next', async () => {
  const r = rig('2024-01-01T00:00:30Z');
  await r.add('quarterly', { expression: 'cron(0/15 * * * ? *)' });
  await r.ticker.start();
  assert.equal(r.sleep(), 14.5 * 60_000, 'asleep until 00:15');
  assert.deepEqual(await r.events(), []);

  await r.advanceTo('2024-01-01T00:15:00.200Z');
  await r.advanceTo('2024-01-01T00:30:00.050Z');
  const events = await r.events();
  assert.equal(events.length, 2);
  assert.deepEqual(events.map((e) => e.payload.time), ['2024-01-01T00:15:00Z', '2024-01-01T00:30:00Z'], 'the tick time, not the delivery time');
  const first = events[0]?.payload ?? {};
  assert.equal(events[0]?.source, 'schedule');
  assert.deepEqual(Object.keys(first), ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);
  assert.deepEqual({ ...first, id: undefined }, {
    version: '0', id: undefined, 'detail-type': 'Scheduled Event', source: 'aws.events', account: r.scope.account, time: '2024-01-01T00:15:00Z',
    region: 'us-east-1', resources: [`arn:aws:events:us-east-1:${r.scope.account}:rule/quarterly`], detail: {},
  });
  assert.match(String(first.id), /^[0-9a-f-]{36}$/);
  assert.notEqual(first.id, events[1]?.payload.id);
  assert.equal(r.sleep(), 15 * 60_000 - 50);
  assert.equal(r.fired(), 2, 'the dispatcher is woken after each tick');
  const stored = await r.service.get({ ...r.scope, name: 'quarterly' });
  assert.equal(stored.lastFiredAt, at('2024-01-01T00:30:00Z'));
  assert.equal(stored.nextFireAt, at('2024-01-01T00:45:00Z'));
  await r.ticker.dispose();
  assert.equal(r.sleep(), undefined, 'dispose clears the timer');
});

test('a rate starts at once; after an outage it fires once for the latest missed tick, then keeps its grid', async () => {
  const r = rig('2024-01-01T00:00:00.400Z');
  await r.add('minutely', { expression: 'rate(1 minute)' });
  await r.ticker.start();
  assert.deepEqual((await r.events()).map((e) => e.payload.time), ['2024-01-01T00:00:00Z']);
  await r.ticker.dispose(); // the platform goes down for ten and a half minutes

  r.clock.now = at('2024-01-01T00:10:30Z');
  await r.restart().start();
  assert.deepEqual((await r.events()).map((e) => e.payload.time), ['2024-01-01T00:00:00Z', '2024-01-01T00:10:00Z'], 'one catch-up tick, not ten');
  assert.match(r.log.join('\n'), /minutely: ticks from 2024-01-01T00:01:00Z on were missed .* fired once, for 2024-01-01T00:10:00Z/);
  assert.equal(r.sleep(), 30_000, 'then on schedule: 00:11');
  await r.advanceTo('2024-01-01T00:11:00Z');
  assert.equal((await r.events()).length, 3);
  await r.ticker.dispose();
});

test('a disabled schedule fires nothing; enabling it continues from now without replaying missed ticks', async () => {
  const r = rig('2024-01-01T00:00:00Z');
  await r.add('paused', { expression: 'cron(0 * * * ? *)', state: 'DISABLED' });
  await r.ticker.start();
  assert.equal(r.sleep(), undefined, 'nothing to wait for');
  r.clock.now = at('2024-01-01T05:20:00Z');
  r.ticker.wake();
  await r.ticker.idle();
  assert.deepEqual(await r.events(), []);
  const enabled = await r.service.setState({ ...r.scope, name: 'paused' }, 'ENABLED');
  await r.ticker.idle();
  assert.equal(enabled.nextFireAt, at('2024-01-01T06:00:00Z'));
  assert.deepEqual(await r.events(), [], 'the hours it was disabled are not replayed');
  assert.equal(r.sleep(), 40 * 60_000);
  await r.service.setState({ ...r.scope, name: 'paused' }, 'DISABLED');
  await r.ticker.idle();
  assert.equal(r.sleep(), undefined, 'disabling it again cancels the wait');
  await r.ticker.dispose();
});

test('a fixed input replaces the event; at() fires once and then has no next time', async () => {
  const r = rig('2024-06-01T09:30:00Z');
  await r.add('once', { expression: 'at(2024-06-01T12:00:00)', timezone: 'Europe/Berlin', input: '{"job":"report","n":[1,2]}' });
  await r.ticker.start();
  assert.equal(r.sleep(), 30 * 60_000, 'noon in Berlin is 10:00 UTC in summer');
  await r.advanceTo('2024-06-01T10:00:00Z');
  assert.deepEqual((await r.events()).map((e) => e.payload), [{ job: 'report', n: [1, 2] }]);
  assert.equal((await r.service.get({ ...r.scope, name: 'once' })).nextFireAt, undefined);
  assert.equal(r.sleep(), undefined);
  await r.ticker.dispose();
});

test('two tickers racing over one store fire each tick once', async () => {
  const r = rig('2024-01-01T00:00:00Z');
  for (let i = 0; i < 20; i++) await r.add(`race-${i}`, { expression: 'cron(0/5 * * * ? *)', function: `fn-${i % 2}` });
  const other = new ScheduleTicker({ schedules: r.store.schedules, clock: () => r.clock.now, onFired: () => {}, onError: (err) => assert.fail(String(err)), log: () => {} });
  r.clock.now = at('2024-01-01T00:05:00Z');
  await Promise.all([r.ticker.start(), other.start()]);
  await Promise.all([r.ticker.idle(), other.idle()]);
  const events = [...(await r.events('fn-0')), ...(await r.events('fn-1'))];
  assert.equal(events.length, 20, 'one event per schedule for the 00:05 tick');
  await Promise.all([r.ticker.dispose(), other.dispose()]);
});

test('changing only the description keeps the timing; a new expression starts again from now', async () => {
  const r = rig('2024-01-01T00:00:00Z');
  const key = { ...r.scope, name: 'edit' };
  await r.add('edit', { expression: 'rate(1 hour)' });
  await r.ticker.start();
  r.clock.now = at('2024-01-01T00:20:00Z');
  const { schedule: described } = await r.service.put(key, { expression: 'rate(1 hour)', function: 'fn', description: 'hourly job' });
  assert.equal(described.nextFireAt, at('2024-01-01T01:00:00Z'));
  assert.equal(described.lastFiredAt, at('2024-01-01T00:00:00Z'));
  const { schedule: changed, created } = await r.service.put(key, { expression: 'cron(0/30 * * * ? *)', function: 'fn' });
  assert.equal(created, false);
  assert.equal(changed.nextFireAt, at('2024-01-01T00:30:00Z'));
  await r.ticker.idle();
  assert.equal(r.sleep(), 10 * 60_000, 'the ticker re-planned on the change');
  await r.service.put(key, { expression: 'cron(0 12 * * ? *)', function: 'fn' });
  await r.ticker.idle();
  assert.equal(r.sleep(), 3_600_000, 'a far tick: it wakes hourly to look again');
  await assert.rejects(r.service.put(key, { expression: 'at(2023-12-31T23:00:00)', function: 'fn' }), /expression: at\(2023-12-31T23:00:00\) has no time left to fire at/);
  await assert.rejects(r.service.put(key, { expression: 'at(2024-03-31T02:30:00)', timezone: 'Europe/Berlin', function: 'fn' }), /does not exist in Europe\/Berlin/);
  await r.ticker.dispose();
});
