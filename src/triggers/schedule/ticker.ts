// Fires due schedules. One timer, set for the earliest next tick of any enabled schedule
// (re-checked at least hourly); schedule changes wake it. Each tick is one store
// transaction that advances the schedule and enqueues the invocation on the async path
// (schedule-ports.ts `fire`), so a tick is fired exactly once even across kill -9: the
// transaction either committed (the event is durable and the tick is past) or not (the
// tick is still due and fires on recovery).
//
// Missed ticks (the platform was down, or the host slept): a schedule fires once, for the
// latest tick that is due, then continues on schedule — never a storm of catch-up ticks.
import { newAsyncEvent } from '../../invoke/async/async-invoker.js';
import type { ScheduleRecord, ScheduleRepository } from '../../store/schedule-ports.js';
import type { Clock } from '../../util/time.js';
import { parseScheduleExpression } from './expression.js';
import { fireTimes } from './fire-times.js';
import { eventTime, scheduledEvent } from './scheduled-event.js';

export interface TickerTimers {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export interface ScheduleTickerOptions {
  readonly schedules: ScheduleRepository;
  readonly clock: Clock;
  /** Called once events are durable (wakes the async dispatcher). */
  readonly onFired: () => void;
  readonly onError: (err: unknown) => void;
  readonly log: (line: string) => void;
  /** Replaceable so tests with a fake clock see, and drive, what the ticker sleeps for. */
  readonly timers?: TickerTimers;
}

export type TickerState = 'idle' | 'running' | 'stopped';

/** Longest sleep: bounds the effect of a wall-clock jump, and stays under setTimeout's 24.8-day limit. */
const MAX_SLEEP_MS = 3_600_000;
/** After a pass, a schedule still due failed to fire (a store error); try again after this. */
const RETRY_MS = 1000;
const BATCH = 100;

const realTimers: TickerTimers = {
  set(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return timer;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class ScheduleTicker {
  readonly #o: ScheduleTickerOptions;
  readonly #timers: TickerTimers;
  #state: TickerState = 'idle';
  #timer: unknown;
  #pass: Promise<void> | undefined;
  #again = false;

  constructor(options: ScheduleTickerOptions) {
    this.#o = options;
    this.#timers = options.timers ?? realTimers;
  }

  get state(): TickerState {
    return this.#state;
  }

  /** Fires what came due while the platform was down (once per schedule), then sleeps until the next tick. */
  async start(): Promise<void> {
    if (this.#state !== 'idle') return;
    this.#state = 'running';
    this.wake();
    await this.idle();
  }

  /** Looks again now: a schedule changed, or the timer ran out. */
  wake(): void {
    if (this.#state !== 'running') return;
    if (this.#pass) {
      this.#again = true;
      return;
    }
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    this.#pass = this.#runPass()
      .catch(this.#o.onError)
      .finally(() => {
        this.#pass = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  /** Resolves once no pass is running or queued (tests with a fake clock wait on it). */
  async idle(): Promise<void> {
    while (this.#pass) await this.#pass;
  }

  /** Stops the timer and waits for a pass in progress. Idempotent. */
  async dispose(): Promise<void> {
    this.#state = 'stopped';
    this.#timers.clear(this.#timer);
    this.#timer = undefined;
    await this.idle();
  }

  async #runPass(): Promise<void> {
    let now = this.#o.clock();
    for (;;) {
      const due = await this.#o.schedules.due(now, BATCH);
      let fired = 0;
      for (const schedule of due) {
        if (this.#state !== 'running') return;
        if (await this.#fire(schedule, now).catch((err: unknown) => void this.#o.onError(err))) fired++;
      }
      if (fired > 0) this.#o.onFired();
      if (due.length < BATCH || fired === 0) break;
      now = this.#o.clock();
    }
    if (this.#state !== 'running') return;
    const nextDue = await this.#o.schedules.nextDueAt();
    if (nextDue === undefined || this.#again) return;
    const untilDue = nextDue - this.#o.clock();
    const delay = untilDue <= 0 ? RETRY_MS : Math.min(untilDue, MAX_SLEEP_MS);
    this.#timer = this.#timers.set(() => this.wake(), delay);
  }

  /** Fires the latest due tick of one schedule; false when a change got there first. */
  async #fire(schedule: ScheduleRecord, now: number): Promise<boolean> {
    const due = schedule.nextFireAt ?? now;
    let times;
    try {
      times = fireTimes(parseScheduleExpression(schedule.expression), schedule.timezone, schedule.anchorAt);
    } catch (err) {
      // Stored expressions were valid when written; one this build cannot read stops, loudly, instead of spinning.
      this.#o.onError(new Error(`schedule ${schedule.name}: cannot evaluate ${schedule.expression}; it will not fire until it is updated`, { cause: err }));
      return this.#o.schedules.fire({ schedule, tick: due, next: undefined, event: undefined });
    }
    const tick = times.latest(due, now);
    const key = { account: schedule.account, region: schedule.region, name: schedule.target.functionName };
    const payload = schedule.target.input !== undefined ? Buffer.from(schedule.target.input) : scheduledEvent(schedule, tick);
    const event = newAsyncEvent({ key, qualifier: schedule.target.qualifier, payload, source: 'schedule' }, now);
    const fired = await this.#o.schedules.fire({ schedule, tick, next: times.next(tick), event });
    if (fired && tick !== due) {
      this.#o.log(`schedule ${schedule.name}: ticks from ${eventTime(due)} on were missed while the platform was down; fired once, for ${eventTime(tick)}`);
    }
    return fired;
  }
}
