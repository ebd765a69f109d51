// The trace counts calls per minute; a replay needs instants. Each function's calls of a
// minute are spread uniformly at random within it, and each call's duration is drawn from
// the function's duration percentiles (linear between them). Every function has its own
// random stream (the seed's generator, jumped once per function), so the same seed gives
// the same calls whatever else the trace holds, and both policies replay identical calls.
//
// `minute-start` is the model behind the usual per-minute analyses of this trace (and the
// reference numbers quoted with it): every call of a minute at its first instant, taking no
// time. It checks the replay against them; `spread` is the realistic one.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import type { AzureTrace, TraceFunction } from './azure-trace.js';

export const MINUTE_MS = 60_000;

export type ArrivalModel = 'spread' | 'minute-start';

export interface Arrival {
  /** Milliseconds from the start of the trace's first minute. */
  readonly atMs: number;
  /** Index into the trace's functions. */
  readonly fn: number;
  readonly durationMs: number;
}

/** The duration at quantile `u` (0 ≤ u < 1) of the function's percentile table. */
export function durationAt(percentiles: TraceFunction['durationPercentiles'], u: number): number {
  const p = u * 100;
  for (let i = 1; i < percentiles.length; i++) {
    const [p1, ms1] = percentiles[i] as readonly [number, number];
    if (p > p1) continue;
    const [p0, ms0] = percentiles[i - 1] as readonly [number, number];
    return p1 === p0 ? ms1 : ms0 + ((p - p0) / (p1 - p0)) * (ms1 - ms0);
  }
  return percentiles.at(-1)?.[1] ?? 0;
}

/** Every call of the trace, minute by minute, in time order within each minute. */
export function* traceArrivals(trace: AzureTrace, seed: number, model: ArrivalModel = 'spread'): Generator<Arrival> {
  const base = xoroshiro128plus(seed);
  const streams: JumpableRandomGenerator[] = trace.functions.map(() => {
    base.jump();
    return base.clone();
  });
  for (let minute = 0; minute < trace.minutes; minute++) {
    const calls: Arrival[] = [];
    trace.functions.forEach((f, fn) => {
      const rng = streams[fn] as JumpableRandomGenerator;
      const count = f.perMinute[minute] ?? 0;
      for (let k = 0; k < count; k++) {
        calls.push(model === 'spread'
          ? { atMs: (minute + uniformFloat64(rng)) * MINUTE_MS, fn, durationMs: durationAt(f.durationPercentiles, uniformFloat64(rng)) }
          : { atMs: minute * MINUTE_MS, fn, durationMs: 0 });
      }
    });
    calls.sort((a, b) => a.atMs - b.atMs || a.fn - b.fn);
    yield* calls;
  }
}
