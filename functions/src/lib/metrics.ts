/**
 * In-process counters of the key check's costs, read by the benchmark (bench/api.ts) and the
 * multi-instance tests. Plain integers: cheap enough to keep in production, and they never hold
 * request data.
 */
export const keyCheckMetrics = {
  /** Firestore round trips a request waited for (key reads, revocation catch-ups, usage flushes). */
  awaitedRoundTrips: 0,
  keyReads: 0,
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
