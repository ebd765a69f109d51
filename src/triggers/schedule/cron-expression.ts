// AWS's six-field cron (EventBridge, EventBridge Scheduler):
//   cron(minutes hours day-of-month month day-of-week year)
// validated here field by field, so an error names the field and says why, then handed to
// croner as the equivalent croner pattern. croner runs it in UTC on wall times (see
// time-zone.ts); time zones and DST are handled by fire-times.ts, not by croner.
import { Cron } from 'croner';
import { invalidParameter } from '../../errors.js';

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted for the values min, min+1, … (case-insensitive). */
  readonly names?: readonly string[];
  readonly hint: string;
  /** Why a stray L, W or # is wrong here. */
  readonly specials?: string;
}

const MINUTES: FieldSpec = { name: 'minutes', min: 0, max: 59, hint: '0-59' };
const HOURS: FieldSpec = { name: 'hours', min: 0, max: 23, hint: '0-23' };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31, hint: '1-31, L, LW or nW', specials: "L, LW and nW stand alone; # belongs to day-of-week" };
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'], hint: '1-12 or JAN-DEC' };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 1, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], hint: '1-7 or SUN-SAT (1 = Sunday), L, nL or n#k', specials: 'L, nL and n#k stand alone; W belongs to day-of-month' };
const YEAR: FieldSpec = { name: 'year', min: 1970, max: 2199, hint: '1970-2199' };

/** The parsed form: the croner job that enumerates matching wall times. */
export interface CronSchedule {
  readonly kind: 'cron';
  /** The first matching wall time (local fields as UTC epoch ms) strictly after `after`; undefined when none is left. */
  nextWall(after: number): number | undefined;
}

class CronFieldError extends Error {}

function fail(field: FieldSpec, text: string, why: string): never {
  throw new CronFieldError(`${field.name} field '${text}': ${why} (allowed: ${field.hint})`);
}

function value(field: FieldSpec, text: string, whole: string): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return field.min + named;
  if (!/^\d+$/.test(text)) fail(field, whole, field.names ? `'${text}' is not a number or a name` : `'${text}' is not a number`);
  const n = Number(text);
  if (n < field.min || n > field.max) fail(field, whole, `${n} is out of range`);
  return n;
}

/** One list item: *, a value, a range a-b, or any of those stepped (/n); `a/n` becomes `a-max/n` for croner. */
function item(field: FieldSpec, text: string, whole: string): string {
  const [base = '', step, ...extra] = text.split('/');
  if (extra.length > 0) fail(field, whole, 'more than one /');
  let range: string;
  if (base === '*') range = `${field.min}-${field.max}`;
  else if (base.includes('-')) {
    const [from = '', to = '', ...more] = base.split('-');
    if (more.length > 0 || from === '' || to === '') fail(field, whole, `'${base}' is not a range a-b`);
    const low = value(field, from, whole);
    const high = value(field, to, whole);
    if (low > high) fail(field, whole, `range ${from}-${to} runs backwards`);
    range = `${low}-${high}`;
  } else {
    const v = value(field, base, whole);
    range = step === undefined ? String(v) : `${v}-${field.max}`;
  }
  if (step === undefined) return base === '*' ? '*' : range;
  if (!/^\d+$/.test(step) || Number(step) < 1 || Number(step) > field.max - field.min + 1) fail(field, whole, `step '/${step}' must be a whole number from 1 to ${field.max - field.min + 1}`);
  return `${range}/${Number(step)}`;
}

function field(spec: FieldSpec, text: string, special?: (text: string) => string | undefined): string {
  if (text === '?') return '*';
  const translated = special?.(text.toUpperCase());
  if (translated !== undefined) return translated;
  const stray = /[LW#?]/.exec((spec.names ?? []).reduce((rest, name) => rest.replaceAll(name, ''), text.toUpperCase()))?.[0];
  if (stray !== undefined) fail(spec, text, stray === '?' ? "'?' stands alone" : spec.specials ?? `'${stray}' is not allowed in this field`);
  return text.split(',').map((part) => {
    if (part === '') fail(spec, text, 'empty list item');
    return item(spec, part, text);
  }).join(',');
}

function dayOfMonth(text: string): string | undefined {
  if (text === 'L' || text === 'LW') return text;
  const weekday = /^(\d+)W$/.exec(text);
  return weekday ? `${value(DAY_OF_MONTH, weekday[1] ?? '', text)}W` : undefined;
}

function dayOfWeek(text: string): string | undefined {
  // A bare L is the last day of the week, Saturday, as in Quartz (AWS: "the last day of the week").
  if (text === 'L') return '7';
  const last = /^(\w+?)L$/.exec(text);
  if (last) return `${value(DAY_OF_WEEK, last[1] ?? '', text)}#L`;
  const nth = /^(\w+)#(.*)$/.exec(text);
  if (!nth) return undefined;
  if (!/^[1-5]$/.test(nth[2] ?? '')) fail(DAY_OF_WEEK, text, `#${nth[2] ?? ''} must be #1 to #5 (the nth such weekday of the month)`);
  return `${value(DAY_OF_WEEK, nth[1] ?? '', text)}#${nth[2] ?? ''}`;
}

/** Parses the inside of `cron(…)`; errors are InvalidParameterValueException naming `field` and the cron field. */
export function parseCron(body: string, fieldLabel: string): CronSchedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw invalidParameter(fieldLabel, `cron(${body}) has ${parts.length} field(s); AWS cron takes six: minutes hours day-of-month month day-of-week year`);
  }
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw invalidParameter(fieldLabel, `cron(${body}): exactly one of day-of-month ('${dom}') and day-of-week ('${dow}') must be '?'`);
  }
  let pattern: string;
  try {
    for (const [spec, text] of [[MINUTES, minutes], [HOURS, hours], [MONTH, month], [YEAR, year]] as const) {
      if (text.includes('?')) fail(spec, text, "'?' is only for day-of-month or day-of-week");
    }
    pattern = ['0', field(MINUTES, minutes), field(HOURS, hours), field(DAY_OF_MONTH, dom, dayOfMonth), field(MONTH, month), field(DAY_OF_WEEK, dow, dayOfWeek), field(YEAR, year)].join(' ');
  } catch (err) {
    if (err instanceof CronFieldError) throw invalidParameter(fieldLabel, `cron(${body}): ${err.message}`);
    throw err;
  }
  let job: Cron;
  try {
    // 7-part: seconds (always 0) … year. Quartz weekday numbers (1 = Sunday) as AWS uses;
    // AND of day-of-month and day-of-week, since the '?' one matches everything.
    job = new Cron(pattern, { timezone: 'UTC', mode: '7-part', alternativeWeekdays: true, domAndDow: true });
  } catch (err) {
    throw invalidParameter(fieldLabel, `cron(${body}): ${(err as Error).message}`);
  }
  return {
    kind: 'cron',
    nextWall(after) {
      return job.nextRun(new Date(after))?.getTime() ?? undefined;
    },
  };
}
