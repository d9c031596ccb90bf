/**
 * An HDR-style histogram of durations: values in whole microseconds, counted in
 * log-bucketed bins with a fixed relative precision, so that millions of
 * samples take a few kilobytes and histograms from several load-generator
 * processes merge exactly (bin by bin).
 *
 * Values below {@linkcode LINEAR_LIMIT_US} µs are counted exactly; above that,
 * each power of two is split into 64 equal bins, so a reported percentile is
 * at most 1/64 (1.6%) above the true sample (percentiles report the top of
 * their bin, clamped to the largest value recorded, as HdrHistogram's
 * "highest equivalent value" does).
 *
 * @module
 */

/** Values below this many µs are counted in bins of width 1. */
export const LINEAR_LIMIT_US = 128;

const SUB_BITS = 6; // 64 bins per power of two above the linear range
const SUB = 1 << SUB_BITS;
const MAX_EXPONENT = 40; // up to 2^46 µs (~2 years)
const BINS = LINEAR_LIMIT_US + MAX_EXPONENT * SUB;

/** Bin index of a whole number of µs. */
function binOf(us: number): number {
  if (us < LINEAR_LIMIT_US) return us;
  // us >> shift lies in [64, 128); clz32 is exact below 2^31 µs (35 minutes).
  const shift = (us < 2 ** 31 ? 31 - Math.clz32(us) : Math.floor(Math.log2(us))) - SUB_BITS;
  const top = Math.floor(us / 2 ** shift);
  // Guard the floating-point log2 at exact powers of two.
  if (top >= 2 * SUB) return binOf(us - 1) + 1;
  if (top < SUB) return binOf(us + 1) - 1;
  return Math.min(BINS - 1, LINEAR_LIMIT_US + (shift - 1) * SUB + (top - SUB));
}

/** Largest µs value counted in bin `i`. */
function binTop(i: number): number {
  if (i < LINEAR_LIMIT_US) return i;
  const shift = Math.floor((i - LINEAR_LIMIT_US) / SUB) + 1;
  const top = SUB + ((i - LINEAR_LIMIT_US) % SUB);
  return (top + 1) * 2 ** shift - 1;
}

/** The JSON form of a histogram: bin index → count for the bins in use. */
export interface HistogramJson {
  count: number;
  /** Sum of all values, µs. */
  sumUs: number;
  minUs: number;
  maxUs: number;
  /** Pairs `[bin, count]` for non-empty bins. */
  bins: [number, number][];
}

/** Percentiles of a histogram, in ms. */
export interface LatencyPercentiles {
  /** Samples recorded. */
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

/**
 * A log-bucketed histogram of durations.
 *
 * @example
 * ```ts
 * const h = new Histogram();
 * h.recordMs(1.5);
 * h.recordMs(40);
 * const all = new Histogram();
 * all.merge(h);
 * all.percentileMs(0.5); // 1.5
 * ```
 */
export class Histogram {
  #bins = new Float64Array(BINS);
  #count = 0;
  #sumUs = 0;
  #minUs = Infinity;
  #maxUs = 0;

  /** Samples recorded. */
  get count(): number {
    return this.#count;
  }

  /** Largest value recorded, ms (0 when empty). */
  get maxMs(): number {
    return this.#maxUs / 1000;
  }

  /**
   * Records one duration.
   *
   * @param ms Duration in ms; negative values (clock skew between processes)
   *   count as 0, fractions of a µs are rounded.
   */
  recordMs(ms: number): void {
    this.recordUs(Math.round(ms * 1000));
  }

  /**
   * Records one duration in whole µs.
   *
   * @param us Duration in µs; negative values count as 0.
   */
  recordUs(us: number): void {
    const v = us > 0 ? Math.floor(us) : 0;
    this.#bins[binOf(v)]++;
    this.#count++;
    this.#sumUs += v;
    if (v < this.#minUs) this.#minUs = v;
    if (v > this.#maxUs) this.#maxUs = v;
  }

  /**
   * Adds every sample of `other` to this histogram.
   *
   * @param other A histogram or its JSON form.
   */
  merge(other: Histogram | HistogramJson): void {
    const json = other instanceof Histogram ? other.toJSON() : other;
    for (const [bin, n] of json.bins) this.#bins[bin] += n;
    this.#count += json.count;
    this.#sumUs += json.sumUs;
    if (json.count > 0) {
      this.#minUs = Math.min(this.#minUs, json.minUs);
      this.#maxUs = Math.max(this.#maxUs, json.maxUs);
    }
  }

  /**
   * The value at quantile `q` (nearest rank: the smallest value with at least
   * `q` of the samples at or below it), as the top of its bin, clamped to the
   * largest value recorded.
   *
   * @param q Quantile in [0, 1].
   * @returns ms; 0 when the histogram is empty.
   * @throws {RangeError} If `q` is outside [0, 1].
   */
  percentileMs(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`Cannot take quantile ${q}: not in [0, 1]`);
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BINS; i++) {
      seen += this.#bins[i];
      if (seen >= rank) return Math.min(binTop(i), this.#maxUs) / 1000;
    }
    return this.#maxUs / 1000;
  }

  /** p50, p90, p99, p99.9, max and mean, ms. */
  summary(): LatencyPercentiles {
    return {
      count: this.#count,
      p50: this.percentileMs(0.5),
      p90: this.percentileMs(0.9),
      p99: this.percentileMs(0.99),
      p999: this.percentileMs(0.999),
      max: this.#maxUs / 1000,
      mean: this.#count ? this.#sumUs / this.#count / 1000 : 0,
    };
  }

  /** Forgets every sample. */
  reset(): void {
    this.#bins.fill(0);
    this.#count = 0;
    this.#sumUs = 0;
    this.#minUs = Infinity;
    this.#maxUs = 0;
  }

  /** The non-empty bins, for sending to another process. */
  toJSON(): HistogramJson {
    const bins: [number, number][] = [];
    for (let i = 0; i < BINS; i++) if (this.#bins[i] > 0) bins.push([i, this.#bins[i]]);
    return {
      count: this.#count,
      sumUs: this.#sumUs,
      minUs: this.#count ? this.#minUs : 0,
      maxUs: this.#maxUs,
      bins,
    };
  }

  /**
   * A histogram from its JSON form.
   *
   * @param json What {@linkcode Histogram.toJSON} returned.
   */
  static fromJSON(json: HistogramJson): Histogram {
    const h = new Histogram();
    h.merge(json);
    return h;
  }
}
