/** Load generation and the statistics the benchmark prints. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface LoadResult {
  calls: number;
  failures: number;
  statuses: Map<number, number>;
  durationMs: number;
}

/**
 * Calls `call(i)` at `ratePerSecond` (open loop: calls start on schedule whether or not earlier
 * ones finished, up to `maxInFlight`), or as fast as `maxInFlight` allows when the rate is 0.
 */
export async function runLoad(options: {
  calls: number;
  ratePerSecond: number;
  maxInFlight: number;
  call: (index: number) => Promise<number>;
}): Promise<LoadResult> {
  const statuses = new Map<number, number>();
  let started = 0;
  let finished = 0;
  let failures = 0;
  let inFlight = 0;
  const begin = performance.now();

  await new Promise<void>((resolve) => {
    const launch = () => {
      const due =
        options.ratePerSecond > 0
          ? Math.min(
              options.calls,
              Math.floor(((performance.now() - begin) / 1000) * options.ratePerSecond) + 1,
            )
          : options.calls;
      while (started < due && inFlight < options.maxInFlight) {
        const index = started;
        started += 1;
        inFlight += 1;
        options
          .call(index)
          .then(
            (status) => statuses.set(status, (statuses.get(status) ?? 0) + 1),
            () => (failures += 1),
          )
          .finally(() => {
            inFlight -= 1;
            finished += 1;
            if (finished === options.calls) resolve();
            else if (options.ratePerSecond === 0) launch();
          });
      }
    };
    if (options.ratePerSecond > 0) {
      const timer = setInterval(() => {
        launch();
        if (started === options.calls) clearInterval(timer);
      }, 2);
    }
    launch();
  });
  return { calls: options.calls, failures, statuses, durationMs: performance.now() - begin };
}

/** Firestore list prices, US multi-region, per 100,000 operations. */
export const PRICE_PER_100K = { reads: 0.03, writes: 0.09, deletes: 0.01 } as const;

export function costPerMillionCalls(
  ops: { reads: number; writes: number; deletes: number },
  calls: number,
): number {
  const dollars =
    (ops.reads * PRICE_PER_100K.reads +
      ops.writes * PRICE_PER_100K.writes +
      ops.deletes * PRICE_PER_100K.deletes) /
    100_000;
  return (dollars / calls) * 1_000_000;
}
