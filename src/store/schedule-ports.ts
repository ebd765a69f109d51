// The schedules' port (docs/schedules.md): EventBridge-style rules that invoke a function.
// Kept beside ports.ts so the part stays in files of its own; Store references it.
import type { AsyncEvent, Scope } from './records.js';

export interface ScheduleKey extends Scope {
  readonly name: string;
}

export type ScheduleState = 'ENABLED' | 'DISABLED';

export interface ScheduleTarget {
  /** A function of the schedule's own account and region. */
  readonly functionName: string;
  readonly qualifier: string | undefined;
  /** Fixed JSON text sent instead of the scheduled event; undefined sends the event. */
  readonly input: string | undefined;
}

export interface ScheduleRecord extends ScheduleKey {
  /** `rate(…)`, `cron(…)` or `at(…)`, as given. */
  readonly expression: string;
  /** IANA zone cron and at() are read in. */
  readonly timezone: string;
  readonly state: ScheduleState;
  readonly description: string;
  readonly target: ScheduleTarget;
  /** Epoch ms a rate schedule starts at (its first tick); cron and at() ignore it. */
  readonly anchorAt: number;
  /** The tick to fire next (epoch ms); undefined while disabled or when none is left (a fired at()). */
  readonly nextFireAt: number | undefined;
  /** The tick fired last. */
  readonly lastFiredAt: number | undefined;
  /** Changes on every change through the API (not on firing). */
  readonly revision: string;
  readonly createdAt: number;
  readonly lastModified: number;
}

/** One tick: what the ticker writes, all or nothing. */
export interface ScheduleFiring {
  readonly schedule: ScheduleRecord;
  /** The tick being fired (the latest one due). */
  readonly tick: number;
  /** The tick after it; undefined when none is left. */
  readonly next: number | undefined;
  /** The invocation; undefined only when a schedule that cannot be evaluated is stopped. */
  readonly event: AsyncEvent | undefined;
}

export interface ScheduleRepository {
  /** Inserts the schedule; false when its name is taken. */
  create(schedule: ScheduleRecord): Promise<boolean>;
  get(key: ScheduleKey): Promise<ScheduleRecord | undefined>;
  /** The schedules of a scope in name order, optionally only those targeting one function. */
  list(scope: Scope, functionName?: string): Promise<readonly ScheduleRecord[]>;
  /**
   * Replaces the schedule if its revision and next fire time are still those of `current`
   * (compare-and-swap: neither a concurrent change nor a tick fired meanwhile is overwritten);
   * false when either changed or it is gone.
   */
  replace(next: ScheduleRecord, current: ScheduleRecord): Promise<boolean>;
  delete(key: ScheduleKey): Promise<boolean>;
  /** Enabled schedules with a tick at or before `now`, most overdue first, across scopes. */
  due(now: number, limit: number): Promise<readonly ScheduleRecord[]>;
  /** The earliest next tick of any enabled schedule. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * In one transaction: advances the schedule from its due tick to `next` and enqueues the
   * event, only if the schedule is unchanged since it was read (revision and next fire time)
   * and enabled. True when it fired; false when something changed it first (nothing written).
   */
  fire(firing: ScheduleFiring): Promise<boolean>;
}
