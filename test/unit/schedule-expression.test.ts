// Schedule expressions: what AWS accepts parses, and everything else is refused with a
// message naming the field and why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NimbusError } from '../../src/errors.js';
import { parseScheduleExpression } from '../../src/triggers/schedule/expression.js';
import { parseTimeZone } from '../../src/triggers/schedule/time-zone.js';

function refused(expression: string, why: RegExp): void {
  assert.throws(() => parseScheduleExpression(expression), (err: unknown) => {
    assert.ok(err instanceof NimbusError, `${expression}: ${String(err)}`);
    assert.equal(err.code, 'InvalidParameterValueException');
    assert.match(err.message, /^expression: /);
    assert.match(err.message, why, expression);
    return true;
  }, expression);
}

test('rate expressions: value 1 takes the singular unit, larger values the plural', () => {
  assert.deepEqual(parseScheduleExpression('rate(1 minute)'), { kind: 'rate', intervalMs: 60_000 });
  assert.deepEqual(parseScheduleExpression('rate(5 minutes)'), { kind: 'rate', intervalMs: 300_000 });
  assert.deepEqual(parseScheduleExpression('rate(1 hour)'), { kind: 'rate', intervalMs: 3_600_000 });
  assert.deepEqual(parseScheduleExpression('rate(2 days)'), { kind: 'rate', intervalMs: 172_800_000 });
  refused('rate(1 minutes)', /with the value 1 the unit is 'minute', not 'minutes'/);
  refused('rate(5 minute)', /with the value 5 the unit is 'minutes', not 'minute'/);
  refused('rate(2 hour)', /'hours'/);
  refused('rate(0 minutes)', /positive whole number, got '0'/);
  refused('rate(-1 minutes)', /positive whole number/);
  refused('rate(1.5 hours)', /positive whole number/);
  refused('rate(5 weeks)', /unit must be minute\(s\), hour\(s\) or day\(s\), got 'weeks'/);
  refused('rate(5 Minutes)', /got 'Minutes'/);
  refused('rate(5)', /must be rate\(value unit\)/);
});

test('at() takes a real local date and time without a zone suffix', () => {
  assert.deepEqual(parseScheduleExpression('at(2024-02-29T23:59:59)'), { kind: 'at', wall: Date.UTC(2024, 1, 29, 23, 59, 59) });
  refused('at(2023-02-29T10:00:00)', /is not a real date and time/);
  refused('at(2024-04-31T10:00:00)', /is not a real date and time/);
  refused('at(2024-01-01T24:00:00)', /is not a real date and time/);
  refused('at(2024-01-01 10:00:00)', /must be at\(yyyy-mm-ddThh:mm:ss\)/);
  refused('at(2024-01-01T10:00:00Z)', /no zone suffix/);
  refused('at(2024-01-01T10:00)', /must be at\(yyyy-mm-ddThh:mm:ss\)/);
});

test('cron: the AWS forms parse (examples from the EventBridge docs)', () => {
  for (const expression of [
    'cron(0 10 * * ? *)', 'cron(15 12 * * ? *)', 'cron(0 18 ? * MON-FRI *)', 'cron(0 8 1 * ? *)', 'cron(0/15 * * * ? *)',
    'cron(0/10 * ? * MON-FRI *)', 'cron(0/5 8-17 ? * MON-FRI *)', 'cron(0 9 ? * 2#1 *)', 'cron(15 10 ? * 6L 2019-2022)',
    'cron(0 0 L * ? *)', 'cron(0 0 LW * ? *)', 'cron(0 0 15W * ? *)', 'cron(0 0 ? * L *)', 'cron(0 0 1 jan,Jul ? 2030/5)',
    'cron(0,30 1-5/2 1,15 */3 ? *)', 'cron(0 12 ? * sun,SAT *)', 'cron(0 12 ? * FRIL *)', 'cron(0 12 ? * MON#3 *)',
  ]) {
    assert.equal(parseScheduleExpression(expression).kind, 'cron', expression);
  }
});

test('cron: every malformed field is named, with the reason', () => {
  refused('cron(0 12 * * *)', /has 5 field\(s\); AWS cron takes six: minutes hours day-of-month month day-of-week year/);
  refused('cron(0 12 * * ? * *)', /has 7 field\(s\)/);
  refused('cron(0 12 * * * *)', /exactly one of day-of-month \('\*'\) and day-of-week \('\*'\) must be '\?'/);
  refused('cron(0 12 ? * ? *)', /exactly one of day-of-month/);
  refused('cron(60 12 * * ? *)', /minutes field '60': 60 is out of range \(allowed: 0-59\)/);
  refused('cron(0 24 * * ? *)', /hours field '24': 24 is out of range/);
  refused('cron(0 12 32 * ? *)', /day-of-month field '32': 32 is out of range/);
  refused('cron(0 12 0 * ? *)', /day-of-month field '0'/);
  refused('cron(0 12 * 13 ? *)', /month field '13': 13 is out of range \(allowed: 1-12 or JAN-DEC\)/);
  refused('cron(0 12 * FOO ? *)', /month field 'FOO': 'FOO' is not a number or a name/);
  refused('cron(0 12 ? * 0 *)', /day-of-week field '0': 0 is out of range \(allowed: 1-7 or SUN-SAT \(1 = Sunday\)/);
  refused('cron(0 12 ? * 8 *)', /day-of-week field '8'/);
  refused('cron(0 12 * * ? 1969)', /year field '1969': 1969 is out of range \(allowed: 1970-2199\)/);
  refused('cron(0 12 * * ? 2200)', /year field '2200'/);
  refused('cron(0 12 ? * 3#6 *)', /day-of-week field '3#6': #6 must be #1 to #5/);
  refused('cron(0 12 ? * 3#0 *)', /#0 must be #1 to #5/);
  refused('cron(0 12 15W,16 * ? *)', /day-of-month field '15W,16': L, LW and nW stand alone/);
  refused('cron(0 12 32W * ? *)', /day-of-month field '32W': 32 is out of range/);
  refused('cron(0 12 ? * 2W *)', /day-of-week field '2W': L, nL and n#k stand alone; W belongs to day-of-month/);
  refused('cron(0 12 3#2 * ? *)', /day-of-month field '3#2': L, LW and nW stand alone; # belongs to day-of-week/);
  refused('cron(0 L * * ? *)', /hours field 'L': 'L' is not allowed in this field/);
  refused('cron(? 12 * * ? *)', /minutes field '\?': '\?' is only for day-of-month or day-of-week/);
  refused('cron(0 12 ?,1 * ? *)', /exactly one of day-of-month|'\?' stands alone/);
  refused('cron(10-5 * * * ? *)', /minutes field '10-5': range 10-5 runs backwards/);
  refused('cron(0/0 * * * ? *)', /minutes field '0\/0': step '\/0' must be a whole number from 1 to 60/);
  refused('cron(0/5/5 * * * ? *)', /more than one \//);
  refused('cron(1,,2 * * * ? *)', /empty list item/);
  refused('cron(1- * * * ? *)', /'1-' is not a range a-b/);
  refused('every 5 minutes', /must be rate\(value unit\), cron\(minutes hours day-of-month month day-of-week year\) or at\(yyyy-mm-ddThh:mm:ss\)/);
  refused('rate 5 minutes', /must be rate\(value unit\)/);
});

test('time zones are IANA names; offsets and unknown names are refused', () => {
  assert.equal(parseTimeZone('Europe/Berlin'), 'Europe/Berlin');
  assert.equal(parseTimeZone('America/New_York'), 'America/New_York');
  assert.equal(parseTimeZone('UTC'), 'UTC');
  for (const [zone, why] of [['Mars/Olympus_Mons', /unknown time zone/], ['+02:00', /not an IANA time zone name/], ['', /not an IANA/], ['Europe/ Berlin', /not an IANA/]] as const) {
    assert.throws(() => parseTimeZone(zone), (err: unknown) => err instanceof NimbusError && err.code === 'InvalidParameterValueException' && /^timezone: /.test(err.message) && why.test(err.message), zone);
  }
});
