import { describe, expect, it } from 'vitest';
import {
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  addLatency,
  histogramCalls,
  latencyBucket,
  latencyPercentile,
  latencyPercentiles,
  lowerBoundOf,
  mergeHistogram,
  type LatencyHistogram,
} from './latency.js';

/** The bucket by the definition, one bound at a time. */
function bucketByScan(latencyMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

function histogramOf(latencies: readonly number[]): LatencyHistogram {
  const histogram: LatencyHistogram = {};
  for (const latency of latencies) addLatency(histogram, latency);
  return histogram;
}

const repeat = (latency: number, times: number) => Array.from({ length: times }, () => latency);

describe('latency buckets', () => {
  it('are fixed bounds from 1 ms to 60 s, each at most twice the one before', () => {
    expect(LATENCY_BOUNDS_MS[0]).toBe(1);
    expect(LATENCY_BOUNDS_MS.at(-1)).toBe(60_000);
    expect(LATENCY_BUCKETS).toBe(LATENCY_BOUNDS_MS.length + 1);
    for (let i = 1; i < LATENCY_BOUNDS_MS.length; i += 1) {
      const ratio = (LATENCY_BOUNDS_MS[i] ?? 0) / (LATENCY_BOUNDS_MS[i - 1] ?? 1);
      expect(ratio).toBeGreaterThan(1);
      expect(ratio).toBeLessThanOrEqual(2);
    }
  });

  it('put each latency in the bucket whose upper bound is the first at or above it', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.1)).toBe(1);
    expect(latencyBucket(150)).toBe(LATENCY_BOUNDS_MS.indexOf(150));
    expect(latencyBucket(150.1)).toBe(LATENCY_BOUNDS_MS.indexOf(200));
    expect(latencyBucket(60_000)).toBe(LATENCY_BOUNDS_MS.length - 1);
    expect(latencyBucket(60_000.1)).toBe(LATENCY_BOUNDS_MS.length);
    expect(latencyBucket(10 ** 9)).toBe(LATENCY_BOUNDS_MS.length);
    for (let latency = 0; latency <= 70_000; latency += latency < 40 ? 0.1 : 7.3)
      expect(latencyBucket(latency), String(latency)).toBe(bucketByScan(latency));
  });
});

describe('latencyPercentile', () => {
  // 100 calls: 50 at 4 ms (bucket ≤5), 45 at 40 ms (≤50), 4 at 120 ms (≤150), 1 at 900 ms (≤1,000).
  const known = histogramOf([...repeat(4, 50), ...repeat(40, 45), ...repeat(120, 4), 900]);

  it('counts known latencies into their buckets exactly', () => {
    expect(known).toEqual({
      [String(LATENCY_BOUNDS_MS.indexOf(5))]: 50,
      [String(LATENCY_BOUNDS_MS.indexOf(50))]: 45,
      [String(LATENCY_BOUNDS_MS.indexOf(150))]: 4,
      [String(LATENCY_BOUNDS_MS.indexOf(1_000))]: 1,
    });
    expect(histogramCalls(known)).toBe(100);
  });

  it('is the upper bound of the bucket where the running count reaches the nearest rank', () => {
    expect(latencyPercentiles(known)).toEqual({ p50_ms: 5, p95_ms: 50, p99_ms: 150 });
    // Rank 51 is the first 40 ms call; rank 96 the first 120 ms one; 100 the slowest.
    expect(latencyPercentile(known, 51)).toBe(50);
    expect(latencyPercentile(known, 96)).toBe(150);
    expect(latencyPercentile(known, 100)).toBe(1_000);
  });

  it('gives the same answer for a histogram merged from parts as for all the calls at once', () => {
    const parts = [
      histogramOf(repeat(4, 50)),
      histogramOf([...repeat(40, 45), 900]),
      histogramOf(repeat(120, 4)),
    ];
    const merged: LatencyHistogram = {};
    for (const part of parts) mergeHistogram(merged, part);
    expect(merged).toEqual(known);
    expect(latencyPercentiles(merged)).toEqual(latencyPercentiles(known));
  });

  it('says nothing for no calls, and reads the open-ended bucket as the last bound', () => {
    expect(latencyPercentiles({})).toEqual({ p50_ms: null, p95_ms: null, p99_ms: null });
    expect(latencyPercentile(histogramOf([90_000]), 50)).toBe(60_000);
  });

  it('ignores stored names that are not buckets', () => {
    const damaged = { ...histogramOf([3]), x: 5, '29': 7, '-1': 2, '01': 4, '7': -3 };
    expect(histogramCalls(damaged)).toBe(1);
    expect(latencyPercentiles(damaged)).toEqual({ p50_ms: 3, p95_ms: 3, p99_ms: 3 });
  });

  it('tells the bound below a percentile: the true value lies between the two', () => {
    expect(lowerBoundOf(150)).toBe(100);
    expect(lowerBoundOf(1)).toBe(0);
    expect(lowerBoundOf(60_000)).toBe(30_000);
  });
});
