/**
 * Client delays (receive time minus event time) in whole milliseconds, for
 * percentiles in constant memory: exact below 128 ms, then 128 buckets per
 * power of two, so a percentile is at most 0.8% below the true value. The
 * maximum is exact. Negative delays (client clocks ahead) count as 0.
 */
const SUB_BUCKETS = 128;
const SUB_BITS = 7;
/** Up to 2^31 ms (~25 days); longer delays count as that. */
const MAX_DELAY = 2 ** 31 - 1;

export class DelayHistogram {
  readonly #counts = new Float64Array(SUB_BUCKETS * (32 - SUB_BITS + 1));
  count = 0;
  max = 0;

  add(delayMs: number): void {
    let v = delayMs > 0 ? Math.floor(delayMs) : 0;
    if (v > MAX_DELAY) v = MAX_DELAY;
    this.#counts[bucketOf(v)] += 1;
    this.count += 1;
    if (v > this.max) this.max = v;
  }

  /** Adds another histogram's counts. */
  merge(other: DelayHistogram): void {
    for (let i = 0; i < this.#counts.length; i++) {
      this.#counts[i] += other.#counts[i];
    }
    this.count += other.count;
    if (other.max > this.max) this.max = other.max;
  }

  /** The delay below which a fraction q of delays are (nearest rank). */
  percentile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i];
      if (seen >= rank) return Math.min(lowestOf(i), this.max);
    }
    return this.max;
  }

  summary(): { p50: number; p95: number; max: number } | undefined {
    if (this.count === 0) return undefined;
    return {
      p50: this.percentile(0.5),
      p95: this.percentile(0.95),
      max: this.max,
    };
  }
}

function bucketOf(v: number): number {
  if (v < SUB_BUCKETS) return v;
  const exponent = 31 - Math.clz32(v); // >= SUB_BITS
  const shift = exponent - SUB_BITS;
  return (shift + 1) * SUB_BUCKETS + ((v >>> shift) - SUB_BUCKETS);
}

/** The smallest delay that falls in bucket i. */
function lowestOf(i: number): number {
  if (i < SUB_BUCKETS) return i;
  const shift = Math.floor(i / SUB_BUCKETS) - 1;
  return (SUB_BUCKETS + (i % SUB_BUCKETS)) * 2 ** shift;
}
