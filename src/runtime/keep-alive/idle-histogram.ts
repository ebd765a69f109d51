// A function's idle times (end of one call to the start of the next, while nothing of it
// runs) as Shahrad et al. keep them ("Serverless in the Wild", ATC'20, §4.2): a histogram of
// 1-minute bins over a 4-hour range, plus a count of the idle times beyond the range. A
// histogram, not the list of samples, so memory per function is fixed however long it lives.

export const BIN_MS = 60_000;
export const RANGE_BINS = 240;

export class IdleTimeHistogram {
  readonly #bins = new Uint32Array(RANGE_BINS);
  #inRange = 0;
  #outOfBounds = 0;

  add(idleMs: number): void {
    const bin = Math.floor(Math.max(0, idleMs) / BIN_MS);
    if (bin >= RANGE_BINS) {
      this.#outOfBounds++;
      return;
    }
    this.#bins[bin] = (this.#bins[bin] ?? 0) + 1;
    this.#inRange++;
  }

  /** Idle times that fell into a bin. */
  get inRange(): number {
    return this.#inRange;
  }

  /** Idle times longer than the range (4 hours). */
  get outOfBounds(): number {
    return this.#outOfBounds;
  }

  /**
   * The bin holding the `p`th percentile of the in-range idle times: the first bin at which
   * the running count reaches p % of them. Undefined while the histogram is empty.
   */
  percentileBin(p: number): number | undefined {
    if (this.#inRange === 0) return undefined;
    const wanted = Math.max(1, Math.ceil((p / 100) * this.#inRange));
    let seen = 0;
    for (let bin = 0; bin < RANGE_BINS; bin++) {
      seen += this.#bins[bin] ?? 0;
      if (seen >= wanted) return bin;
    }
    return RANGE_BINS - 1;
  }

  /**
   * Coefficient of variation (standard deviation / mean) of the bin counts. High when the
   * idle times gather in a few bins (a pattern worth acting on), near 0 when they are spread
   * evenly over the range. 0 for an empty histogram.
   */
  binCountCv(): number {
    if (this.#inRange === 0) return 0;
    const mean = this.#inRange / RANGE_BINS;
    let squares = 0;
    for (const count of this.#bins) squares += (count - mean) ** 2;
    return Math.sqrt(squares / RANGE_BINS) / mean;
  }
}
