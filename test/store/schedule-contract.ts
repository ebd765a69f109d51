// The schedule repository's contract: every Store implementation must pass it. Call
// scheduleContract() from an implementation's test file (as storeContract()).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/store/ports.js';
import type { AsyncEvent, Scope } from '../../src/store/records.js';
import type { ScheduleRecord } from '../../src/store/schedule-ports.js';
import type { StoreFixture } from './store-contract.js';

const scope: Scope = { account: '000000000000', region: 'us-east-1' };

function schedule(name: string, over: Partial<ScheduleRecord> = {}): ScheduleRecord {
  return {
    ...scope, name, expression: 'rate(5 minutes)', timezone: 'UTC', state: 'ENABLED', description: '',
    target: { functionName: 'fn', qualifier: undefined, input: undefined }, anchorAt: 1000, nextFireAt: 1000, lastFiredAt: undefined,
    revision: `rev-${name}`, createdAt: 1, lastModified: 1, ...over,
  };
}

function event(id: string): AsyncEvent {
  return {
    ...scope, name: 'fn', id, qualifier: undefined, payload: Buffer.from('{}'), source: 'schedule', createdAt: 5, status: 'queued',
    attempts: 0, tries: 0, notBefore: 5, leaseOwner: undefined, leaseUntil: undefined, lastError: undefined, updatedAt: 5,
  };
}

export function scheduleContract(implementation: string, open: () => Promise<StoreFixture>): void {
  describe(`schedule repository contract: ${implementation}`, () => {
    let fixture: StoreFixture;
    let store: Store;
    before(async () => {
      fixture = await open();
      store = fixture.store;
    });
    after(async () => fixture.cleanup());

    test('create then get returns the same record; a taken name is refused; names are per scope', async () => {
      const s = schedule('alpha', { timezone: 'Europe/Berlin', description: 'd', target: { functionName: 'fn', qualifier: '$LATEST', input: '{"a":1}' } });
      assert.equal(await store.schedules.create(s), true);
      assert.deepEqual(await store.schedules.get(s), s);
      assert.equal(await store.schedules.create(schedule('alpha')), false);
      const elsewhere = schedule('alpha', { account: '111111111111' });
      assert.equal(await store.schedules.create(elsewhere), true);
      assert.equal((await store.schedules.get(elsewhere))?.account, '111111111111');
    });

    test('list is per scope in name order, optionally by target function', async () => {
      const s: Scope = { account: '222222222222', region: 'eu-west-1' };
      for (const [name, fn] of [['c', 'f1'], ['a', 'f2'], ['b', 'f1']] as const) {
        await store.schedules.create(schedule(name, { ...s, target: { functionName: fn, qualifier: undefined, input: undefined } }));
      }
      assert.deepEqual((await store.schedules.list(s)).map((x) => x.name), ['a', 'b', 'c']);
      assert.deepEqual((await store.schedules.list(s, 'f1')).map((x) => x.name), ['b', 'c']);
      assert.deepEqual(await store.schedules.list({ account: '333333333333', region: 'eu-west-1' }), []);
    });

    test('replace is a compare-and-swap on the revision and the next tick', async () => {
      const current = schedule('cas');
      await store.schedules.create(current);
      const next = { ...current, description: 'new', revision: 'rev-2' };
      assert.equal(await store.schedules.replace(next, { ...current, revision: 'other' }), false);
      assert.equal(await store.schedules.replace(next, { ...current, nextFireAt: 999 }), false, 'a tick fired since it was read');
      assert.equal(await store.schedules.replace(next, current), true);
      assert.deepEqual(await store.schedules.get(current), next);
      assert.equal(await store.schedules.replace({ ...next, revision: 'rev-3' }, current), false, 'the old revision is gone');
      assert.equal(await store.schedules.replace(schedule('missing'), schedule('missing')), false);
    });

    test('due lists enabled schedules whose tick has come, most overdue first; nextDueAt is the earliest tick', async () => {
      const s: Scope = { account: '444444444444', region: 'us-east-1' };
      // Earlier tests' schedules in other scopes are due from 1000 on; these come well after.
      await store.schedules.create(schedule('late', { ...s, nextFireAt: 50_000 }));
      await store.schedules.create(schedule('early', { ...s, nextFireAt: 40_000 }));
      await store.schedules.create(schedule('off', { ...s, state: 'DISABLED', nextFireAt: undefined }));
      await store.schedules.create(schedule('done', { ...s, nextFireAt: undefined }));
      await store.schedules.create(schedule('future', { ...s, nextFireAt: 90_000 }));
      const due = (await store.schedules.due(60_000, 100)).filter((x) => x.account === s.account);
      assert.deepEqual(due.map((x) => x.name), ['early', 'late']);
      assert.equal((await store.schedules.due(60_000, 1)).length, 1);
      assert.equal(await store.schedules.nextDueAt(), 1000);
    });

    test('fire advances the schedule and enqueues the event together, and only for the schedule as read', async () => {
      const s: Scope = { account: '555555555555', region: 'us-east-1' };
      const current = schedule('tick', { ...s, nextFireAt: 10_000 });
      await store.schedules.create(current);
      const firing = { schedule: current, tick: 10_000, next: 310_000, event: { ...event('evt-1'), ...s } };
      assert.equal(await store.schedules.fire(firing), true);
      const after = await store.schedules.get(current);
      assert.equal(after?.nextFireAt, 310_000);
      assert.equal(after?.lastFiredAt, 10_000);
      assert.equal(after?.revision, current.revision, 'firing is not a change of the schedule');
      assert.deepEqual((await store.events.list({ ...s, name: 'fn', limit: 10 })).map((e) => e.id), ['evt-1']);

      assert.equal(await store.schedules.fire({ ...firing, event: { ...event('evt-2'), ...s } }), false, 'the same tick again');
      const disabled = { ...after, state: 'DISABLED', nextFireAt: undefined, revision: 'rev-off' } as ScheduleRecord;
      assert.equal(await store.schedules.replace(disabled, after), true);
      assert.equal(await store.schedules.fire({ schedule: disabled, tick: 310_000, next: 610_000, event: { ...event('evt-3'), ...s } }), false, 'disabled');
      assert.deepEqual((await store.events.list({ ...s, name: 'fn', limit: 10 })).map((e) => e.id), ['evt-1'], 'a refused fire enqueues nothing');
    });

    test('fire without an event only stops the schedule', async () => {
      const current = schedule('broken', { account: '666666666666', nextFireAt: 7000 });
      await store.schedules.create(current);
      assert.equal(await store.schedules.fire({ schedule: current, tick: 7000, next: undefined, event: undefined }), true);
      assert.equal((await store.schedules.get(current))?.nextFireAt, undefined);
    });

    test('delete removes it; schedules and fired ticks survive a reopen', async () => {
      assert.equal(await store.schedules.delete(schedule('cas')), true);
      assert.equal(await store.schedules.delete(schedule('cas')), false);
      store = await fixture.reopen();
      assert.equal(await store.schedules.get(schedule('cas')), undefined);
      assert.equal((await store.schedules.get(schedule('tick', { account: '555555555555' })))?.lastFiredAt, 10_000);
      assert.equal((await store.schedules.get(schedule('alpha')))?.target.input, '{"a":1}');
    });
  });
}
