// The hybrid histogram policy of Shahrad et al., "Serverless in the Wild" (ATC'20, §4.2),
// learned online per function from its own idle times (IdleTimeHistogram):
//
// - pre-warm window = the 5th percentile of idle times (the head), less a 10 % margin;
//   keep-alive window = from there to the 99th percentile (the tail) plus a 10 % margin.
//   A head of 0 means "keep the instance loaded from the end of the call until the tail";
//   a head above 0 means "unload at once, load again just before the head".
// - While the histogram has too few samples, or is not representative (the coefficient of
//   variation of its bin counts is low: idle times spread all over the range), it says
//   nothing, and the fixed keep-alive applies.
// - When most idle times are beyond the 4-hour range, the paper forecasts the next one with
//   ARIMA. Here the forecast is the last out-of-range idle time (a random walk, ARIMA(0,1,0)):
//   pre-warm 15 % before it, keep 15 % past it. With hours between calls, how precisely the
//   next one is guessed matters less than not keeping an instance for all of them.
import { BIN_MS, IdleTimeHistogram, RANGE_BINS } from './idle-histogram.js';
import type { IdleDecision, KeepAlivePolicy } from './policy.js';

export interface HybridHistogramOptions {
  /** The fixed keep-alive used while the histogram says nothing. */
  readonly fallbackKeepAliveMs: number;
  /** Idle times needed before the histogram is trusted. */
  readonly minSamples?: number;
  /** Below this coefficient of variation of the bin counts, the histogram is not representative. */
  readonly cvThreshold?: number;
  readonly headPercentile?: number;
  readonly tailPercentile?: number;
  /** Taken off the head and added to the tail. */
  readonly margin?: number;
  /** Share of idle times beyond the range from which the out-of-range forecast is used. */
  readonly outOfBoundsShare?: number;
  /** Either side of the out-of-range forecast. */
  readonly forecastMargin?: number;
}

/** The paper's values, except minSamples, which it does not give (see docs/keep-alive.md). */
export const HYBRID_DEFAULTS = {
  minSamples: 5, cvThreshold: 2, headPercentile: 5, tailPercentile: 99, margin: 0.1, outOfBoundsShare: 0.5, forecastMargin: 0.15,
} as const;

/** Why the policy decides as it does for a function, and the windows it uses. */
export interface PolicyMode {
  /** learning: too few idle times yet; not-representative: spread out; histogram / forecast: acting on them. */
  readonly mode: 'learning' | 'not-representative' | 'histogram' | 'forecast';
  /** 0: keep the instance loaded from the end of the call. */
  readonly prewarmMs: number;
  readonly keepAliveMs: number;
}

interface FunctionHistory {
  readonly histogram: IdleTimeHistogram;
  inFlight: number;
  /** When the last call ended and nothing of the function ran any more. */
  idleSince: number | undefined;
  lastOutOfBoundsMs: number | undefined;
}

export class HybridHistogramKeepAlive implements KeepAlivePolicy {
  readonly #options: Required<HybridHistogramOptions>;
  readonly #histories = new Map<string, FunctionHistory>();

  constructor(options: HybridHistogramOptions) {
    this.#options = { ...HYBRID_DEFAULTS, ...options };
  }

  invocationStarted(functionId: string, now: number): void {
    let history = this.#histories.get(functionId);
    if (!history) {
      history = { histogram: new IdleTimeHistogram(), inFlight: 0, idleSince: undefined, lastOutOfBoundsMs: undefined };
      this.#histories.set(functionId, history);
    }
    // Only a call that finds the function idle has an idle time; concurrent calls do not.
    if (history.inFlight === 0 && history.idleSince !== undefined) {
      const idleMs = now - history.idleSince;
      history.histogram.add(idleMs);
      if (idleMs >= BIN_MS * RANGE_BINS) history.lastOutOfBoundsMs = idleMs;
    }
    history.inFlight++;
  }

  invocationEnded(functionId: string, now: number): void {
    const history = this.#histories.get(functionId);
    if (!history) return;
    history.inFlight = Math.max(0, history.inFlight - 1);
    if (history.inFlight === 0) history.idleSince = now;
  }

  decideIdle(functionId: string): IdleDecision {
    // An instance freed while other calls of the function still run was made for
    // concurrency; the histogram describes the function's idle periods, not those of its
    // extra instances, so these keep the fixed keep-alive. (Applying the histogram to them
    // too made the Azure replay lose scale-out instances between bursts: more cold starts.)
    if ((this.#histories.get(functionId)?.inFlight ?? 0) > 0) return { kind: 'keep', keepAliveMs: this.#options.fallbackKeepAliveMs };
    const mode = this.explain(functionId);
    if (mode.prewarmMs === 0) return { kind: 'keep', keepAliveMs: mode.keepAliveMs };
    return { kind: 'prewarm', prewarmInMs: mode.prewarmMs, keepAliveMs: mode.keepAliveMs };
  }

  forget(functionId: string): void {
    this.#histories.delete(functionId);
  }

  /** The windows for the function's next idle period, and why. */
  explain(functionId: string): PolicyMode {
    const o = this.#options;
    const histogram = this.#histories.get(functionId)?.histogram;
    const samples = histogram === undefined ? 0 : histogram.inRange + histogram.outOfBounds;
    if (histogram === undefined || samples < o.minSamples) return { mode: 'learning', prewarmMs: 0, keepAliveMs: o.fallbackKeepAliveMs };
    const forecast = this.#histories.get(functionId)?.lastOutOfBoundsMs;
    if (forecast !== undefined && histogram.outOfBounds >= o.outOfBoundsShare * samples) {
      return { mode: 'forecast', prewarmMs: forecast * (1 - o.forecastMargin), keepAliveMs: 2 * o.forecastMargin * forecast };
    }
    const head = histogram.percentileBin(o.headPercentile);
    const tail = histogram.percentileBin(o.tailPercentile);
    if (head === undefined || tail === undefined || histogram.binCountCv() < o.cvThreshold) {
      return { mode: 'not-representative', prewarmMs: 0, keepAliveMs: o.fallbackKeepAliveMs };
    }
    // Bins are whole minutes: the head is its bin's start, the tail its bin's end.
    const prewarmMs = head * BIN_MS * (1 - o.margin);
    const keepUntilMs = (tail + 1) * BIN_MS * (1 + o.margin);
    return { mode: 'histogram', prewarmMs, keepAliveMs: keepUntilMs - prewarmMs };
  }
}
