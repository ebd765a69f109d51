// When schedules fire: cron edge cases (month ends, L, W, #, names, steps, years), time
// zones across both DST transitions, rates, and the catch-up after an outage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseScheduleExpression } from '../../src/triggers/schedule/expression.js';
import { fireTimes, type FireTimes } from '../../src/triggers/schedule/fire-times.js';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString().replace('.000Z', 'Z'));

function times(expression: string, zone = 'UTC', anchor = 0): FireTimes {
  return fireTimes(parseScheduleExpression(expression), zone, anchor);
}

/** The next `n` fire times strictly after `from` (fewer when the schedule ends). */
function upcoming(expression: string, from: string, n: number, zone = 'UTC'): string[] {
  const t = times(expression, zone);
  const out: string[] = [];
  for (let next = t.next(at(from)); next !== undefined && out.length < n; next = t.next(next)) out.push(iso(next) ?? '');
  return out;
}

test('month ends: the 31st skips 30-day months and February; Feb 29 only in leap years', () => {
  assert.deepEqual(upcoming('cron(0 0 31 * ? *)', '2024-01-01T00:00:00Z', 5),
    ['2024-01-31T00:00:00Z', '2024-03-31T00:00:00Z', '2024-05-31T00:00:00Z', '2024-07-31T00:00:00Z', '2024-08-31T00:00:00Z']);
  assert.deepEqual(upcoming('cron(0 12 29 2 ? *)', '2023-01-01T00:00:00Z', 2), ['2024-02-29T12:00:00Z', '2028-02-29T12:00:00Z']);
  assert.deepEqual(upcoming('cron(0 0 30 * ? *)', '2024-01-31T00:00:00Z', 2), ['2024-03-30T00:00:00Z', '2024-04-30T00:00:00Z'], 'no 30th in February');
});

test('L is the last day of the month, 28, 29, 30 or 31', () => {
  assert.deepEqual(upcoming('cron(0 0 L * ? *)', '2023-01-15T00:00:00Z', 4),
    ['2023-01-31T00:00:00Z', '2023-02-28T00:00:00Z', '2023-03-31T00:00:00Z', '2023-04-30T00:00:00Z']);
  assert.deepEqual(upcoming('cron(0 0 L 2 ? *)', '2024-01-01T00:00:00Z', 2), ['2024-02-29T00:00:00Z', '2025-02-28T00:00:00Z']);
});

test('W is the nearest weekday within the month; LW the last weekday', () => {
  // 2024-03-31 is a Sunday, 2024-06-30 a Sunday, 2024-08-31 a Saturday.
  assert.deepEqual(upcoming('cron(0 0 LW * ? *)', '2024-03-01T00:00:00Z', 6),
    ['2024-03-29T00:00:00Z', '2024-04-30T00:00:00Z', '2024-05-31T00:00:00Z', '2024-06-28T00:00:00Z', '2024-07-31T00:00:00Z', '2024-08-30T00:00:00Z']);
  // 15th on a Saturday → Friday 14th; on a Sunday → Monday 16th.
  assert.deepEqual(upcoming('cron(0 0 15W * ? *)', '2024-06-01T00:00:00Z', 4),
    ['2024-06-14T00:00:00Z', '2024-07-15T00:00:00Z', '2024-08-15T00:00:00Z', '2024-09-16T00:00:00Z']);
  // 1st on a Saturday → Monday 3rd, not Friday the 31st of the month before.
  assert.deepEqual(upcoming('cron(0 0 1W * ? *)', '2024-05-20T00:00:00Z', 2), ['2024-06-03T00:00:00Z', '2024-07-01T00:00:00Z']);
  // 31st on a Sunday → Friday 29th, not Monday the 1st; months without a 31st do not fire.
  assert.deepEqual(upcoming('cron(0 0 31W * ? *)', '2024-03-01T00:00:00Z', 3), ['2024-03-29T00:00:00Z', '2024-05-31T00:00:00Z', '2024-07-31T00:00:00Z']);
});

test('day-of-week: 1 = Sunday; names; nL the last such weekday; n#k the kth; a bare L is Saturday', () => {
  // 2024-01-01 is a Monday.
  assert.deepEqual(upcoming('cron(0 9 ? * 1 *)', '2024-01-01T00:00:00Z', 2), ['2024-01-07T09:00:00Z', '2024-01-14T09:00:00Z']);
  assert.deepEqual(upcoming('cron(0 9 ? * SUN *)', '2024-01-01T00:00:00Z', 1), ['2024-01-07T09:00:00Z']);
  assert.deepEqual(upcoming('cron(0 9 ? * 7 *)', '2024-01-01T00:00:00Z', 1), ['2024-01-06T09:00:00Z']);
  assert.deepEqual(upcoming('cron(0 9 ? * L *)', '2024-01-01T00:00:00Z', 1), ['2024-01-06T09:00:00Z']);
  assert.deepEqual(upcoming('cron(0 18 ? * mon-fri *)', '2024-01-05T19:00:00Z', 2), ['2024-01-08T18:00:00Z', '2024-01-09T18:00:00Z'], 'Friday evening → Monday');
  assert.deepEqual(upcoming('cron(0 9 ? * 2#1 *)', '2024-01-01T00:00:00Z', 2), ['2024-01-01T09:00:00Z', '2024-02-05T09:00:00Z'], 'first Monday');
  assert.deepEqual(upcoming('cron(0 9 ? * 3#2 *)', '2024-01-01T00:00:00Z', 3), ['2024-01-09T09:00:00Z', '2024-02-13T09:00:00Z', '2024-03-12T09:00:00Z'], 'second Tuesday');
  assert.deepEqual(upcoming('cron(0 9 ? * FRI#5 *)', '2024-01-01T00:00:00Z', 3), ['2024-03-29T09:00:00Z', '2024-05-31T09:00:00Z', '2024-08-30T09:00:00Z'], 'only months with five Fridays');
  assert.deepEqual(upcoming('cron(0 9 ? * 5L *)', '2024-01-01T00:00:00Z', 3), ['2024-01-25T09:00:00Z', '2024-02-29T09:00:00Z', '2024-03-28T09:00:00Z'], 'last Thursday');
});

test('? leaves the other day field in charge; lists, ranges and steps', () => {
  assert.deepEqual(upcoming('cron(0 8 1 * ? *)', '2024-01-15T00:00:00Z', 2), ['2024-02-01T08:00:00Z', '2024-03-01T08:00:00Z']);
  assert.deepEqual(upcoming('cron(0/15 * * * ? *)', '2024-01-01T10:07:00Z', 4), ['2024-01-01T10:15:00Z', '2024-01-01T10:30:00Z', '2024-01-01T10:45:00Z', '2024-01-01T11:00:00Z']);
  assert.deepEqual(upcoming('cron(5/20 8-9 * * ? *)', '2024-01-01T00:00:00Z', 4), ['2024-01-01T08:05:00Z', '2024-01-01T08:25:00Z', '2024-01-01T08:45:00Z', '2024-01-01T09:05:00Z']);
  assert.deepEqual(upcoming('cron(0 0 1/10 * ? *)', '2024-01-01T00:00:00Z', 4), ['2024-01-11T00:00:00Z', '2024-01-21T00:00:00Z', '2024-01-31T00:00:00Z', '2024-02-01T00:00:00Z']);
  assert.deepEqual(upcoming('cron(0 0 1 JAN,jul ? *)', '2024-01-01T00:00:00Z', 2), ['2024-07-01T00:00:00Z', '2025-01-01T00:00:00Z']);
  assert.deepEqual(upcoming('cron(0,30 */6 * * ? *)', '2024-01-01T00:00:00Z', 3), ['2024-01-01T00:30:00Z', '2024-01-01T06:00:00Z', '2024-01-01T06:30:00Z']);
});

test('the year field bounds a schedule; past its last year there is no next time', () => {
  assert.deepEqual(upcoming('cron(0 0 1 1 ? 2030/5)', '2024-01-01T00:00:00Z', 3), ['2030-01-01T00:00:00Z', '2035-01-01T00:00:00Z', '2040-01-01T00:00:00Z']);
  // AWS's example: 10:15 on the last Friday of every month, 2019 to 2022.
  assert.deepEqual(upcoming('cron(15 10 ? * 6L 2019-2022)', '2022-11-01T00:00:00Z', 5), ['2022-11-25T10:15:00Z', '2022-12-30T10:15:00Z']);
  assert.equal(times('cron(0 0 1 1 ? 2199)').next(at('2199-06-01T00:00:00Z')), undefined);
});

test('America/New_York: a time the spring-forward gap skips does not fire; a repeated one fires once', () => {
  // 2024-03-10 02:00 EST → 03:00 EDT: 02:30 does not exist that day.
  assert.deepEqual(upcoming('cron(30 2 * * ? *)', '2024-03-09T12:00:00Z', 2, 'America/New_York'), ['2024-03-11T06:30:00Z', '2024-03-12T06:30:00Z']);
  assert.deepEqual(upcoming('cron(0/30 * * * ? *)', '2024-03-10T06:15:00Z', 3, 'America/New_York'),
    ['2024-03-10T06:30:00Z', '2024-03-10T07:00:00Z', '2024-03-10T07:30:00Z'], '01:30 EST, then 03:00 EDT: 02:00 and 02:30 do not exist');
  // 2024-11-03 02:00 EDT → 01:00 EST: 01:00–01:59 happen twice and fire at the first.
  assert.deepEqual(upcoming('cron(30 1 * * ? *)', '2024-11-02T12:00:00Z', 2, 'America/New_York'), ['2024-11-03T05:30:00Z', '2024-11-04T06:30:00Z']);
  assert.deepEqual(upcoming('cron(0/30 * * * ? *)', '2024-11-03T04:45:00Z', 3, 'America/New_York'),
    ['2024-11-03T05:00:00Z', '2024-11-03T05:30:00Z', '2024-11-03T07:00:00Z'], '01:00 and 01:30 EDT, not again in EST; then 02:00 EST');
  assert.deepEqual(upcoming('cron(0/30 * * * ? *)', '2024-11-03T06:10:00Z', 1, 'America/New_York'), ['2024-11-03T07:00:00Z'], 'from inside the repeated hour');
});

test('Europe/Berlin: the same rules at its transitions, and the zone moves the UTC time', () => {
  // 2024-03-31 02:00 CET → 03:00 CEST; 2024-10-27 03:00 CEST → 02:00 CET.
  assert.deepEqual(upcoming('cron(30 2 * * ? *)', '2024-03-30T12:00:00Z', 1, 'Europe/Berlin'), ['2024-04-01T00:30:00Z']);
  assert.deepEqual(upcoming('cron(30 2 * * ? *)', '2024-10-26T12:00:00Z', 2, 'Europe/Berlin'), ['2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
  assert.deepEqual(upcoming('cron(0 9 * * ? *)', '2024-03-30T00:00:00Z', 2, 'Europe/Berlin'), ['2024-03-30T08:00:00Z', '2024-03-31T07:00:00Z']);
  assert.deepEqual(upcoming('cron(0 0 L * ? *)', '2024-01-15T00:00:00Z', 1, 'Europe/Berlin'), ['2024-01-30T23:00:00Z'], 'midnight of the 31st in Berlin');
  assert.equal(iso(times('at(2024-10-27T02:30:00)', 'Europe/Berlin').next(0)), '2024-10-27T00:30:00Z', 'an ambiguous at() is its first occurrence');
  assert.equal(times('at(2024-03-31T02:30:00)', 'Europe/Berlin').next(0), undefined, 'an at() in the gap never happens');
});

test('at() fires once, in its zone', () => {
  const t = times('at(2030-01-31T09:30:00)', 'America/New_York');
  assert.equal(iso(t.next(at('2024-01-01T00:00:00Z'))), '2030-01-31T14:30:00Z');
  assert.equal(t.next(at('2030-01-31T14:30:00Z')), undefined);
});

test('rates count from their anchor in fixed intervals (a day is 24 hours, whatever the zone)', () => {
  const anchor = at('2024-01-01T00:00:00Z');
  const t = times('rate(5 minutes)', 'UTC', anchor);
  assert.equal(iso(t.next(anchor - 1)), '2024-01-01T00:00:00Z', 'the first tick is the anchor');
  assert.equal(iso(t.next(anchor)), '2024-01-01T00:05:00Z');
  assert.equal(iso(t.next(anchor + 7 * 60_000)), '2024-01-01T00:10:00Z');
  const daily = times('rate(1 day)', 'America/New_York', at('2024-03-09T12:00:00Z'));
  assert.equal(iso(daily.next(at('2024-03-09T12:00:00Z'))), '2024-03-10T12:00:00Z', 'across spring-forward: 24 hours later');
});

test('after an outage only the latest missed tick is due', () => {
  const anchor = at('2024-01-01T00:00:00Z');
  assert.equal(iso(times('rate(5 minutes)', 'UTC', anchor).latest(anchor, anchor + 23 * 60_000)), '2024-01-01T00:20:00Z');
  assert.equal(iso(times('cron(0 * * * ? *)').latest(at('2024-01-01T00:00:00Z'), at('2024-01-03T05:30:00Z'))), '2024-01-03T05:00:00Z');
  assert.equal(iso(times('cron(0 0 1 1 ? *)').latest(at('2020-01-01T00:00:00Z'), at('2024-06-01T00:00:00Z'))), '2024-01-01T00:00:00Z', 'sparse: found past the short windows');
  assert.equal(iso(times('cron(0 12 * * ? *)').latest(at('2024-01-01T12:00:00Z'), at('2024-01-01T12:00:30Z'))), '2024-01-01T12:00:00Z', 'merely late: the due tick itself');
  assert.equal(iso(times('at(2024-01-01T00:00:00)').latest(at('2024-01-01T00:00:00Z'), at('2025-01-01T00:00:00Z'))), '2024-01-01T00:00:00Z');
});
