/** Turns daily documents into the dashboard's stats: zero-filled, oldest first, optionally per key. */
import type { StatsResponse, UsageDayPoint } from '../shared/contracts.js';
import { addDays, daysBetween } from '../shared/dates.js';
import { latencyPercentiles, mergeHistogram, type LatencyHistogram } from '../shared/latency.js';
import { noUsage, serverErrorsByStatus, type DailyDoc, type UsageTotals } from './daily-doc.js';
import { countMinutes, decodeMinutes } from './minute-bitmap.js';

export function datesInRange(from: string, to: string): string[] {
  const count = daysBetween(from, to);
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(from, index));
}

/** The day's figures for the whole account, or for one key. */
export function dayTotals(day: DailyDoc | undefined, keyId: string | null): UsageTotals {
  if (day === undefined) return noUsage();
  if (keyId === null) {
    return {
      requests: day.total_requests,
      units: day.total_units,
      credit_units: day.credit_units,
      overage_units: day.overage_units,
      meter_units: day.meter_units,
      errors: day.error_count,
      server_errors: serverErrorsByStatus(day.requests_by_status),
      latency_ms_sum: day.latency_ms_sum,
      latency: day.latency_buckets,
      by_endpoint: day.requests_by_endpoint,
      by_status: day.requests_by_status,
      latency_by_endpoint: day.latency_buckets_by_endpoint,
      call_minutes: decodeMinutes(day.call_minutes),
      server_error_minutes: decodeMinutes(day.server_error_minutes),
    };
  }
  const stats = day.key_stats[keyId];
  if (stats === undefined) return dayTotals(undefined, keyId);
  return {
    requests: stats.requests,
    units: stats.units,
    // Credits and overage are the account's: a key's share of them is not kept.
    credit_units: 0,
    overage_units: 0,
    meter_units: {},
    errors: stats.errors,
    server_errors: serverErrorsByStatus(stats.by_status),
    latency_ms_sum: stats.latency_ms_sum,
    latency: stats.latency_buckets,
    by_endpoint: stats.by_endpoint,
    by_status: stats.by_status,
    latency_by_endpoint: stats.latency_buckets_by_endpoint,
    call_minutes: decodeMinutes(stats.call_minutes),
    server_error_minutes: decodeMinutes(stats.server_error_minutes),
  };
}

export function averageLatency(latencySum: number, requests: number): number | null {
  return requests > 0 ? Math.round((latencySum / requests) * 10) / 10 : null;
}

/** Share of the minutes with calls that had no 5xx answer (the contract's definition). */
export function availability(minutesWithCalls: number, minutesWithServerErrors: number): number | null {
  return minutesWithCalls > 0 ? (minutesWithCalls - minutesWithServerErrors) / minutesWithCalls : null;
}

function ranked<K extends string>(
  counts: Map<string, number>,
  name: K,
): ({ requests: number } & Record<K, string>)[] {
  return [...counts]
    .filter(([, requests]) => requests > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([value, requests]) => ({ [name]: value, requests }) as { requests: number } & Record<K, string>);
}

export function dailyPoint(date: string, totals: UsageTotals): UsageDayPoint {
  const minutesWithCalls = countMinutes(totals.call_minutes);
  const minutesWithServerErrors = countMinutes(totals.server_error_minutes);
  return {
    date,
    requests: totals.requests,
    units: totals.units,
    errors: totals.errors,
    server_errors: totals.server_errors,
    avg_latency_ms: averageLatency(totals.latency_ms_sum, totals.requests),
    ...latencyPercentiles(totals.latency),
    minutes_with_calls: minutesWithCalls,
    minutes_with_server_errors: minutesWithServerErrors,
    availability: availability(minutesWithCalls, minutesWithServerErrors),
  };
}

export function buildStats(
  range: { from: string; to: string },
  days: ReadonlyMap<string, DailyDoc>,
  keyId: string | null,
): StatsResponse {
  const byEndpoint = new Map<string, number>();
  const byStatus = new Map<string, number>();
  const latency: LatencyHistogram = {};
  const latencyByEndpoint = new Map<string, LatencyHistogram>();
  let requests = 0;
  let units = 0;
  let errors = 0;
  let serverErrors = 0;
  let latencySum = 0;
  let minutesWithCalls = 0;
  let minutesWithServerErrors = 0;
  const daily = datesInRange(range.from, range.to).map((date) => {
    const totals = dayTotals(days.get(date), keyId);
    const point = dailyPoint(date, totals);
    requests += totals.requests;
    units += totals.units;
    errors += totals.errors;
    serverErrors += totals.server_errors;
    latencySum += totals.latency_ms_sum;
    minutesWithCalls += point.minutes_with_calls;
    minutesWithServerErrors += point.minutes_with_server_errors;
    mergeHistogram(latency, totals.latency);
    for (const [endpoint, count] of Object.entries(totals.by_endpoint))
      byEndpoint.set(endpoint, (byEndpoint.get(endpoint) ?? 0) + count);
    for (const [endpoint, histogram] of Object.entries(totals.latency_by_endpoint)) {
      const merged = latencyByEndpoint.get(endpoint) ?? {};
      mergeHistogram(merged, histogram);
      latencyByEndpoint.set(endpoint, merged);
    }
    for (const [status, count] of Object.entries(totals.by_status))
      byStatus.set(status, (byStatus.get(status) ?? 0) + count);
    return point;
  });
  return {
    from: range.from,
    to: range.to,
    key_id: keyId,
    totals: {
      requests,
      units,
      errors,
      error_rate: requests > 0 ? errors / requests : 0,
      success_rate: requests > 0 ? (requests - errors) / requests : null,
      server_errors: serverErrors,
      avg_latency_ms: averageLatency(latencySum, requests),
      ...latencyPercentiles(latency),
      minutes_with_calls: minutesWithCalls,
      minutes_with_server_errors: minutesWithServerErrors,
      availability: availability(minutesWithCalls, minutesWithServerErrors),
    },
    daily,
    by_endpoint: ranked(byEndpoint, 'endpoint').map((row) => ({
      ...row,
      ...latencyPercentiles(latencyByEndpoint.get(row.endpoint) ?? {}),
    })),
    by_status: ranked(byStatus, 'status'),
  };
}
