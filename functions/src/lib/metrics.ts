/**
 * In-process counters of the key check's costs, read by the benchmark (bench/api.ts) and the
 * multi-instance tests. Plain integers: cheap enough to keep in production, and they never hold
 * request data.
 */
export const keyCheckMetrics = {
  /** Firestore round trips a request waited for (key reads, revocation catch-ups, usage flushes). */
  awaitedRoundTrips: 0,
  keyReads: 0,
  /** Cached keys read again in the background before their TTL ran out (never awaited). */
  keyRefreshes: 0,
  /** Lease transactions sent to the budget ledger (in the background or awaited). */
  leases: 0,
  /** Calls that waited for a lease (an empty pool: first call, new minute, a burst). */
  leaseWaits: 0,
  flushesAwaited: 0,
  /** Reads of the revocation feed sent (one query each, in the background or awaited). */
  revocationChecks: 0,
  /** Requests that waited for a revocation check, after the instance had been idle or starved. */
  revocationWaits: 0,
  /** Key reads that found no key (each an empty query, billed as one read). */
  unknownKeyReads: 0,
  /** Requests refused with 429 by the unknown-key throttle, before any read. */
  keyFailuresThrottled: 0,
};

export function resetKeyCheckMetrics(): void {
  for (const name of Object.keys(keyCheckMetrics) as (keyof typeof keyCheckMetrics)[])
    keyCheckMetrics[name] = 0;
}

/**
 * Time the metering layer adds to a call (the key check before the handler, recording after
 * it), as a histogram of 0.05 ms buckets up to 50 ms, the rest in the last one. Fixed memory,
 * a few nanoseconds per call.
 */
const LATENCY_BUCKET_MS = 0.05;
const LATENCY_BUCKETS = 1_000;
export const addedLatency = {
  buckets: new Array<number>(LATENCY_BUCKETS + 1).fill(0),
  record(ms: number): void {
    const index = Math.min(LATENCY_BUCKETS, Math.max(0, Math.floor(ms / LATENCY_BUCKET_MS)));
    this.buckets[index] = (this.buckets[index] ?? 0) + 1;
  },
  reset(): void {
    this.buckets.fill(0);
  },
};

/** The `q` quantile (0–1) of a histogram of addedLatency's shape, in ms (a bucket's upper edge). */
export function latencyQuantile(buckets: readonly number[], q: number): number {
  const total = buckets.reduce((sum, count) => sum + count, 0);
  if (total === 0) return 0;
  let seen = 0;
  for (const [index, count] of buckets.entries()) {
    seen += count;
    if (seen >= q * total) return (index + 1) * LATENCY_BUCKET_MS;
  }
  return buckets.length * LATENCY_BUCKET_MS;
}
