/** Turns daily documents into the dashboard's stats: zero-filled, oldest first, optionally per key. */
import type { DailyPoint, StatsResponse } from '../shared/contracts.js';
import { addDays, daysBetween } from '../shared/dates.js';
import { noUsage, type DailyDoc, type UsageTotals } from './daily-doc.js';

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
      latency_ms_sum: day.latency_ms_sum,
      by_endpoint: day.requests_by_endpoint,
      by_status: day.requests_by_status,
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
    latency_ms_sum: stats.latency_ms_sum,
    by_endpoint: stats.by_endpoint,
    by_status: stats.by_status,
  };
}

export function averageLatency(latencySum: number, requests: number): number | null {
  return requests > 0 ? Math.round((latencySum / requests) * 10) / 10 : null;
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

export function dailyPoint(date: string, totals: UsageTotals): DailyPoint {
  return {
    date,
    requests: totals.requests,
    units: totals.units,
    errors: totals.errors,
    avg_latency_ms: averageLatency(totals.latency_ms_sum, totals.requests),
  };
}

export function buildStats(
  range: { from: string; to: string },
  days: ReadonlyMap<string, DailyDoc>,
  keyId: string | null,
): StatsResponse {
  const byEndpoint = new Map<string, number>();
  const byStatus = new Map<string, number>();
  let requests = 0;
  let units = 0;
  let errors = 0;
  let latencySum = 0;
  const daily = datesInRange(range.from, range.to).map((date) => {
    const totals = dayTotals(days.get(date), keyId);
    requests += totals.requests;
    units += totals.units;
    errors += totals.errors;
    latencySum += totals.latency_ms_sum;
    for (const [endpoint, count] of Object.entries(totals.by_endpoint))
      byEndpoint.set(endpoint, (byEndpoint.get(endpoint) ?? 0) + count);
    for (const [status, count] of Object.entries(totals.by_status))
      byStatus.set(status, (byStatus.get(status) ?? 0) + count);
    return dailyPoint(date, totals);
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
      avg_latency_ms: averageLatency(latencySum, requests),
    },
    daily,
    by_endpoint: ranked(byEndpoint, 'endpoint'),
    by_status: ranked(byStatus, 'status'),
  };
}
