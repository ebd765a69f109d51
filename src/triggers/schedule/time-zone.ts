// Wall-clock time in an IANA time zone, and back. A "wall time" here is the local date and
// time written as if it were UTC (epoch ms of the fields), so cron matching can run in UTC
// where no day is 23 or 25 hours long; mapping a wall time back to instants then says
// plainly whether it did not exist (a spring-forward gap) or existed twice (fall-back).
import { invalidParameter } from '../../errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** An IANA zone name (`Europe/Berlin`, `UTC`), checked against the zone database; returns its canonical spelling. */
export function parseTimeZone(input: string, field = 'timezone'): string {
  // Offsets (`+02:00`) and abbreviations (`CET` aside, which is a zone) are not zone names; EventBridge wants names.
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(input) || input.length > 50) {
    throw invalidParameter(field, `'${input}' is not an IANA time zone name such as UTC, Europe/Berlin or America/New_York`);
  }
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: input }).resolvedOptions().timeZone;
  } catch {
    throw invalidParameter(field, `unknown time zone '${input}'; use an IANA name such as UTC, Europe/Berlin or America/New_York`);
  }
}

/** The wall time (local fields as UTC epoch ms) at an instant, to the second. */
export function wallTime(instant: number, zone: string): number {
  if (zone === 'UTC') return Math.floor(instant / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(instant)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const at = (key: string): number => fields[key] ?? 0;
  return Date.UTC(at('year'), at('month') - 1, at('day'), at('hour'), at('minute'), at('second'));
}

function offsetAt(instant: number, zone: string): number {
  return wallTime(instant, zone) - Math.floor(instant / 1000) * 1000;
}

/**
 * The instants a whole-second wall time names, earliest first: none in a spring-forward
 * gap, two in a fall-back overlap, else one. Offsets two days either side cover every
 * transition (none are closer together than that).
 */
export function instantsOf(wall: number, zone: string): number[] {
  if (zone === 'UTC') return [wall];
  const day = 86_400_000;
  const offsets = new Set([offsetAt(wall - 2 * day, zone), offsetAt(wall, zone), offsetAt(wall + 2 * day, zone)]);
  const instants = [...offsets].map((offset) => wall - offset).filter((instant) => wallTime(instant, zone) === wall);
  return [...new Set(instants)].sort((a, b) => a - b);
}
