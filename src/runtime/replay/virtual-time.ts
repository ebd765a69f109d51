// Time that moves only when told to: a clock and timers for running the real scheduler
// through hours of a trace in seconds. After each timer fires, the promise chains it set
// off run to completion before the next one, so code written for real time (awaits, then()
// callbacks) behaves as it would with that much time passing. Nothing driven by it may
// wait on real I/O or real timers.
import FlatQueue from 'flatqueue';
import type { Clock, TimerHandle, Timers } from '../../util/time.js';

interface VirtualTimer {
  readonly callback: () => void;
  /** Repeats every periodMs when set. */
  readonly periodMs: number | undefined;
  cancelled: boolean;
}

/** Lets every promise continuation already queued (and those they queue) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class VirtualTime implements Timers {
  #now: number;
  /** Distinct due times, earliest first; timers due at one time fire in the order they were set. */
  readonly #dueTimes = new FlatQueue<number>();
  readonly #due = new Map<number, VirtualTimer[]>();

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  readonly clock: Clock = () => this.#now;

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.#add({ callback, periodMs: undefined, cancelled: false }, delayMs);
  }

  setInterval(callback: () => void, periodMs: number): TimerHandle {
    return this.#add({ callback, periodMs: Math.max(1, periodMs), cancelled: false }, periodMs);
  }

  clear(handle: TimerHandle | undefined): void {
    if (handle !== undefined) (handle as VirtualTimer).cancelled = true;
  }

  /** Moves time to `untilMs`, firing every timer due by then in time order. */
  async advanceTo(untilMs: number): Promise<void> {
    await settle();
    for (;;) {
      const at = this.#dueTimes.peekValue();
      if (at === undefined || at > untilMs) break;
      this.#now = at;
      const timers = this.#due.get(at) as VirtualTimer[];
      // Timers set for this same instant while these run join the end of the list.
      for (let i = 0; i < timers.length; i++) {
        const timer = timers[i] as VirtualTimer;
        if (timer.cancelled) continue;
        if (timer.periodMs === undefined) timer.cancelled = true;
        else this.#schedule(timer, at + timer.periodMs);
        timer.callback();
        await settle();
      }
      this.#due.delete(at);
      this.#dueTimes.pop();
    }
    this.#now = Math.max(this.#now, untilMs);
  }

  /** Whether any timer is still to fire. */
  get pending(): boolean {
    for (const timers of this.#due.values()) if (timers.some((t) => !t.cancelled)) return true;
    return false;
  }

  #add(timer: VirtualTimer, delayMs: number): TimerHandle {
    // As with real timers, a delay below 1 ms (or NaN) fires on the next round, never "now".
    this.#schedule(timer, this.#now + (Number.isFinite(delayMs) ? Math.max(1, delayMs) : 1));
    return timer;
  }

  #schedule(timer: VirtualTimer, at: number): void {
    const timers = this.#due.get(at);
    if (timers) {
      timers.push(timer);
      return;
    }
    this.#due.set(at, [timer]);
    this.#dueTimes.push(at, at);
  }
}
