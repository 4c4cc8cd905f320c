/**
 * In-process counters of the key check's costs, read by the benchmark (bench/api.ts). Plain
 * integers: cheap enough to keep in production, and they never hold request data.
 */
export const keyCheckMetrics = {
  /** Firestore round trips a request waited for (key reads and usage flushes). */
  awaitedRoundTrips: 0,
  keyReads: 0,
  flushesAwaited: 0,
};

export function resetKeyCheckMetrics(): void {
  keyCheckMetrics.awaitedRoundTrips = 0;
  keyCheckMetrics.keyReads = 0;
  keyCheckMetrics.flushesAwaited = 0;
}
