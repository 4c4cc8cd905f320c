/**
 * How the Usage page words latency percentiles and availability, from the definitions the
 * functions compute them by (shared/latency.ts, shared/contracts.ts).
 */
import { lowerBoundOf } from '@shared/latency';
import { formatLatency } from '@/lib/format';

export const AVAILABILITY_DEFINITION =
  'Availability: the share of minutes (UTC) with at least one call in which no call was answered 5xx. Minutes without calls are not counted either way.';

export const PERCENTILE_DEFINITION =
  'Percentiles come from fixed latency buckets: p95 is the upper bound of the bucket holding the 95th percentile call, so at least 95% of calls took at most that long.';

const availabilityFormat = new Intl.NumberFormat(undefined, {
  style: 'percent',
  minimumFractionDigits: 0,
  maximumFractionDigits: 2,
});

/** 99.93%: rounded down, so a day with any 5xx minute never reads as 100%. */
export function formatAvailability(ratio: number | null): string {
  if (ratio === null) return '—';
  return availabilityFormat.format(Math.floor(ratio * 10_000) / 10_000);
}

/** "at most 150 ms (over 100 ms)": what a percentile from the buckets says, for screen readers and titles. */
export function describePercentile(ms: number | null): string {
  if (ms === null) return 'no calls';
  return `at most ${formatLatency(ms)} (over ${formatLatency(lowerBoundOf(ms))})`;
}

export type AvailabilityTone = 'none' | 'good' | 'fair' | 'poor';

/** Status-page colours: 99.9% and up is good, 99% fair, anything lower poor. */
export function availabilityTone(ratio: number | null): AvailabilityTone {
  if (ratio === null) return 'none';
  if (ratio >= 0.999) return 'good';
  if (ratio >= 0.99) return 'fair';
  return 'poor';
}
