/**
 * Latency histograms: the fixed buckets every daily usage document counts its calls in, shared
 * by the functions (which fold calls into them and read percentiles out) and the dashboard
 * (which says what a percentile means).
 *
 * Bucket `i` holds the calls that took more than `LATENCY_BOUNDS_MS[i - 1]` and at most
 * `LATENCY_BOUNDS_MS[i]` ms (bucket 0: at most 1 ms); one more bucket, index
 * `LATENCY_BOUNDS_MS.length`, holds anything slower than the last bound. Neighbouring bounds are
 * at most 2× apart (1 → 2 ms and 30 → 60 s) and at most 1.67× apart in between, so a percentile
 * is known to within its bucket: counts are exact, only where inside its bucket a call fell is
 * lost. Fixed bounds (not per-account ones) are what let histograms of different days, keys and
 * endpoints be added bucket by bucket, with FieldValue.increment, in any order.
 *
 * A percentile is the upper bound of the bucket in which the running count reaches the nearest
 * rank, ceil(p × calls): "p95 = 150 ms" means at least 95% of the calls took at most 150 ms, and
 * the true p95 lies above the bound below it (100 ms). Rounding up, never interpolating, keeps
 * that sentence true. The API answers within its 30 s timeout, so the open-ended bucket stays
 * empty in practice; should a call land there, its percentile reads as the last bound.
 *
 * Histograms are stored sparse, `{ "<bucket index>": calls }`, so a day whose calls all took
 * 2–30 ms holds a handful of entries, not 29.
 */

/** Upper bounds (inclusive), in ms, of every bucket but the open-ended last one. */
export const LATENCY_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000,
  7_500, 10_000, 15_000, 20_000, 30_000, 60_000,
];

/** Buckets in a histogram: one per bound plus the open-ended one. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The last bound: what a percentile in the open-ended bucket reads as. */
export const LATENCY_MAX_BOUND_MS = LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1] ?? 0;

/** Calls per bucket index (as a string, as Firestore map keys are); absent buckets hold none. */
export type LatencyHistogram = Record<string, number>;

/** The bucket a latency falls in (binary search over the bounds; 29 buckets, 5 steps). */
export function latencyBucket(latencyMs: number): number {
  let low = 0;
  let high = LATENCY_BOUNDS_MS.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (latencyMs <= (LATENCY_BOUNDS_MS[middle] ?? Number.POSITIVE_INFINITY)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The largest latency a bucket holds (the open-ended bucket reads as the last bound). */
export function bucketUpperBound(bucket: number): number {
  return LATENCY_BOUNDS_MS[Math.min(bucket, LATENCY_BOUNDS_MS.length - 1)] ?? LATENCY_MAX_BOUND_MS;
}

/** The bucket index a stored map key names, or undefined for anything else. */
function bucketOf(name: string): number | undefined {
  if (!/^(0|[1-9][0-9]?)$/.test(name)) return undefined;
  const bucket = Number(name);
  return bucket < LATENCY_BUCKETS ? bucket : undefined;
}

export function addLatency(histogram: LatencyHistogram, latencyMs: number, calls = 1): void {
  const name = String(latencyBucket(latencyMs));
  histogram[name] = (histogram[name] ?? 0) + calls;
}

/** Adds `source` into `target`, bucket by bucket; names that are not buckets are ignored. */
export function mergeHistogram(target: LatencyHistogram, source: Readonly<LatencyHistogram>): void {
  for (const [name, calls] of Object.entries(source)) {
    if (bucketOf(name) === undefined || !(calls > 0)) continue;
    target[name] = (target[name] ?? 0) + calls;
  }
}

/** Calls in every bucket, lowest first. */
function bucketCounts(histogram: Readonly<LatencyHistogram>): number[] {
  const counts = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const [name, calls] of Object.entries(histogram)) {
    const bucket = bucketOf(name);
    if (bucket !== undefined && calls > 0) counts[bucket] = (counts[bucket] ?? 0) + calls;
  }
  return counts;
}

export function histogramCalls(histogram: Readonly<LatencyHistogram>): number {
  return bucketCounts(histogram).reduce((sum, calls) => sum + calls, 0);
}

/**
 * The `percent` (1–100) percentile in ms, as described above; null for an empty histogram. The
 * rank is worked out from integers, so no floating-point residue (0.07 × 100 is
 * 7.000000000000001) can move it up a call.
 */
export function latencyPercentile(histogram: Readonly<LatencyHistogram>, percent: number): number | null {
  const counts = bucketCounts(histogram);
  const total = counts.reduce((sum, calls) => sum + calls, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((percent * total) / 100));
  let seen = 0;
  for (const [bucket, calls] of counts.entries()) {
    seen += calls;
    if (seen >= rank) return bucketUpperBound(bucket);
  }
  return LATENCY_MAX_BOUND_MS;
}

export interface LatencyPercentiles {
  p50_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
}

export function latencyPercentiles(histogram: Readonly<LatencyHistogram>): LatencyPercentiles {
  return {
    p50_ms: latencyPercentile(histogram, 50),
    p95_ms: latencyPercentile(histogram, 95),
    p99_ms: latencyPercentile(histogram, 99),
  };
}

/**
 * The bound below a reported percentile: the true value is above this and at most the
 * percentile itself (0 for the first bucket). The dashboard says so beside the figure.
 */
export function lowerBoundOf(percentileMs: number): number {
  const bucket = latencyBucket(percentileMs);
  return bucket === 0 ? 0 : (LATENCY_BOUNDS_MS[bucket - 1] ?? 0);
}
