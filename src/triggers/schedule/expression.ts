// Schedule expressions as EventBridge and EventBridge Scheduler accept them:
//   rate(value unit)            a fixed interval; value 1 takes the singular unit
//   cron(six AWS cron fields)   see cron-expression.ts
//   at(yyyy-mm-ddThh:mm:ss)     once, at that wall time in the schedule's time zone
import { invalidParameter } from '../../errors.js';
import { parseCron, type CronSchedule } from './cron-expression.js';

export interface RateSchedule {
  readonly kind: 'rate';
  readonly intervalMs: number;
}

export interface AtSchedule {
  readonly kind: 'at';
  /** The wall time (local fields as UTC epoch ms). */
  readonly wall: number;
}

export type ScheduleExpression = RateSchedule | CronSchedule | AtSchedule;

const FIELD = 'expression';
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

function parseRate(body: string): RateSchedule {
  const match = /^(\S+) (\S+)$/.exec(body);
  if (!match) throw invalidParameter(FIELD, `rate(${body}) must be rate(value unit), e.g. rate(5 minutes)`);
  const [, valueText = '', unit = ''] = match;
  if (!/^[1-9]\d{0,8}$/.test(valueText)) throw invalidParameter(FIELD, `rate(${body}): the value must be a positive whole number, got '${valueText}'`);
  const value = Number(valueText);
  const singular = unit.replace(/s$/, '');
  const unitMs = UNIT_MS[singular];
  if (unitMs === undefined) throw invalidParameter(FIELD, `rate(${body}): the unit must be minute(s), hour(s) or day(s), got '${unit}'`);
  // AWS: "If the value is equal to 1, then the unit must be singular … for values greater than 1, the unit must be plural."
  const expected = value === 1 ? singular : `${singular}s`;
  if (unit !== expected) throw invalidParameter(FIELD, `rate(${body}): with the value ${value} the unit is '${expected}', not '${unit}'`);
  return { kind: 'rate', intervalMs: value * unitMs };
}

function parseAt(body: string): AtSchedule {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match) throw invalidParameter(FIELD, `at(${body}) must be at(yyyy-mm-ddThh:mm:ss), e.g. at(2030-01-31T09:30:00), with no zone suffix (the schedule's time zone applies)`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (year < 1970 || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw invalidParameter(FIELD, `at(${body}) is not a real date and time`);
  }
  return { kind: 'at', wall };
}

/** Parses a schedule expression; errors are InvalidParameterValueException naming the part that is wrong. */
export function parseScheduleExpression(text: string): ScheduleExpression {
  const match = /^(rate|cron|at)\((.*)\)$/s.exec(text.trim());
  if (!match) throw invalidParameter(FIELD, `'${text}' must be rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss)`);
  const [, kind, body = ''] = match;
  if (kind === 'rate') return parseRate(body.trim());
  if (kind === 'cron') return parseCron(body, FIELD);
  return parseAt(body.trim());
}
