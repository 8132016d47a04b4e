/**
 * A small log-bucket latency histogram in the spirit of HdrHistogram: values (microseconds) below
 * 128 are exact, above that each power of two is split into 64 sub-buckets, so a reported
 * percentile is within 1.6% of the true value. Counts merge by addition, so generator processes
 * send theirs to the coordinator as sparse [bucket, count] pairs.
 */
const SUB = 64;
const BUCKETS = SUB * 42; // up to 2^41 us (~25 days): nothing we measure comes close

export type SparseCounts = Array<[number, number]>;

function bucketOf(value: number): number {
  const v = value < 1 ? 0 : Math.floor(value);
  if (v < 2 * SUB) return v;
  const shift = Math.floor(Math.log2(v)) - 6;
  const idx = SUB * shift + Math.floor(v / 2 ** shift);
  return idx < BUCKETS ? idx : BUCKETS - 1;
}

/** Highest value that lands in a bucket: percentiles report it, so they never flatter. */
function upperOf(idx: number): number {
  if (idx < 2 * SUB) return idx;
  const shift = Math.floor(idx / SUB) - 1;
  const mant = idx - SUB * shift;
  return (mant + 1) * 2 ** shift - 1;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(valueUs: number): void {
    this.counts[bucketOf(valueUs)]! += 1;
    this.count += 1;
    this.sum += valueUs;
    if (valueUs > this.max) this.max = valueUs;
  }

  /** The value at or below which `p` percent of the samples fall (0 when empty). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i += 1) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperOf(i), this.max);
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }

  toSparse(): { counts: SparseCounts; count: number; sum: number; max: number } {
    const counts: SparseCounts = [];
    for (let i = 0; i < BUCKETS; i += 1) if (this.counts[i]! > 0) counts.push([i, this.counts[i]!]);
    return { counts, count: this.count, sum: this.sum, max: this.max };
  }

  merge(other: { counts: SparseCounts; count: number; sum: number; max: number }): void {
    for (const [i, c] of other.counts) this.counts[i]! += c;
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }
}

export type SerializedHistogram = ReturnType<Histogram['toSparse']>;
