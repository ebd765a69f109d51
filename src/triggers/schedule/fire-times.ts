// When a schedule fires, as instants (epoch ms), with EventBridge Scheduler's time-zone
// rules (docs/schedules.md): cron and at() are read in the schedule's zone; a wall time a
// spring-forward gap skips does not fire, and one a fall-back repeats fires once, at its
// first occurrence. Rates are plain intervals (a day is 24 hours) and ignore the zone.
import type { ScheduleExpression } from './expression.js';
import { instantsOf, wallTime } from './time-zone.js';

export interface FireTimes {
  /** The first fire time strictly after `after`, or undefined when the schedule has none left. */
  next(after: number): number | undefined;
  /** The last fire time at or before `now`, given `due`, a fire time at or before `now`. */
  latest(due: number, now: number): number;
}

// A fall-back repeats at most an hour or two; a cron can skip that many candidates in a
// row, never more. The bound only guards against a bug turning into a hung ticker.
const MAX_SKIPPED_CANDIDATES = 100_000;

// Look-back windows for the latest missed tick: each bounded in work, widest last.
const CATCH_UP_WINDOWS_MS = [3_600_000, 86_400_000, 32 * 86_400_000, 366 * 86_400_000, Infinity];

/** The latest of `times` in (due - 1, now], searched in widening windows so a long outage costs little. */
function latestBySearch(times: Pick<FireTimes, 'next'>, due: number, now: number): number {
  for (const window of CATCH_UP_WINDOWS_MS) {
    let latest: number | undefined;
    for (let t = times.next(Math.max(due - 1, now - window)); t !== undefined && t <= now; t = times.next(t)) latest = t;
    if (latest !== undefined) return latest;
  }
  return due;
}

/**
 * The fire times of an expression in a zone. `anchor` is when a rate starts (its first
 * tick; later ones follow every interval), unused by cron and at().
 */
export function fireTimes(expression: ScheduleExpression, zone: string, anchor: number): FireTimes {
  switch (expression.kind) {
    case 'rate': {
      const every = expression.intervalMs;
      return {
        next: (after) => (after < anchor ? anchor : anchor + (Math.floor((after - anchor) / every) + 1) * every),
        latest: (due, now) => Math.max(due, anchor + Math.floor((now - anchor) / every) * every),
      };
    }
    case 'at': {
      const instant = instantsOf(expression.wall, zone)[0];
      return {
        next: (after) => (instant !== undefined && instant > after ? instant : undefined),
        latest: (due) => due,
      };
    }
    case 'cron': {
      const next = (after: number): number | undefined => {
        // The first occurrences of wall times grow with the wall time, so no wall time
        // before `after`'s own can have a first occurrence after it: start there.
        let cursor = wallTime(after, zone);
        for (let skipped = 0; skipped < MAX_SKIPPED_CANDIDATES; skipped++) {
          const wall = expression.nextWall(cursor);
          if (wall === undefined) return undefined;
          const first = instantsOf(wall, zone)[0]; // none in a gap: skipped, as EventBridge Scheduler does
          if (first !== undefined && first > after) return first;
          cursor = wall;
        }
        return undefined;
      };
      return { next, latest: (due, now) => latestBySearch({ next }, due, now) };
    }
  }
}
