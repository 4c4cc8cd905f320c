/** Turns daily documents into the dashboard's stats: zero-filled, oldest first, optionally per key. */
import type {
  IntegrationBreakdownGroup,
  IntegrationGroup,
  StatsResponse,
  UsageDayPoint,
} from '../shared/contracts.js';
import { addDays, daysBetween } from '../shared/dates.js';
import { latencyPercentiles, mergeHistogram, type LatencyHistogram } from '../shared/latency.js';
import {
  noUsage,
  serverErrorsByStatus,
  type DailyDoc,
  type KeyStats,
  type UsageTotals,
} from './daily-doc.js';
import { countMinutes, decodeMinutes, union } from './minute-bitmap.js';

export function datesInRange(from: string, to: string): string[] {
  const count = daysBetween(from, to);
  return Array.from({ length: Math.max(0, count) }, (_, index) => addDays(from, index));
}

/**
 * Whose calls a figure counts: the whole account's (null), or those of a set of keys (one key,
 * or the keys of an integration), summed from the day's key_stats.
 */
export type KeySelection = ReadonlySet<string> | null;

function accountTotals(day: DailyDoc): UsageTotals {
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

function addCounts(target: Record<string, number>, source: Readonly<Record<string, number>>): void {
  for (const [name, count] of Object.entries(source)) target[name] = (target[name] ?? 0) + count;
}

/** Adds one key's figures of a day. Credits and overage are the account's: a key's share is not kept. */
function addKeyStats(totals: UsageTotals, stats: KeyStats): void {
  totals.requests += stats.requests;
  totals.units += stats.units;
  totals.errors += stats.errors;
  totals.server_errors += serverErrorsByStatus(stats.by_status);
  totals.latency_ms_sum += stats.latency_ms_sum;
  mergeHistogram(totals.latency, stats.latency_buckets);
  addCounts(totals.by_endpoint, stats.by_endpoint);
  addCounts(totals.by_status, stats.by_status);
  for (const [endpoint, histogram] of Object.entries(stats.latency_buckets_by_endpoint)) {
    const merged = totals.latency_by_endpoint[endpoint] ?? {};
    mergeHistogram(merged, histogram);
    totals.latency_by_endpoint[endpoint] = merged;
  }
  totals.call_minutes = union(totals.call_minutes, decodeMinutes(stats.call_minutes));
  totals.server_error_minutes = union(totals.server_error_minutes, decodeMinutes(stats.server_error_minutes));
}

/** The day's figures for the whole account, or for the selected keys. */
export function dayTotals(day: DailyDoc | undefined, keys: KeySelection): UsageTotals {
  if (day === undefined) return noUsage();
  if (keys === null) return accountTotals(day);
  const totals = noUsage();
  for (const keyId of keys) {
    const stats = day.key_stats[keyId];
    if (stats !== undefined) addKeyStats(totals, stats);
  }
  return totals;
}

/** Calls per key of the day: the account's requests_by_key, or the selected keys' own counts. */
function dayCallsByKey(day: DailyDoc | undefined, keys: KeySelection): [string, number][] {
  if (day === undefined) return [];
  if (keys === null) return Object.entries(day.requests_by_key);
  return [...keys].flatMap((keyId) => {
    const stats = day.key_stats[keyId];
    return stats === undefined ? [] : [[keyId, stats.requests] as [string, number]];
  });
}

export function averageLatency(latencySum: number, requests: number): number | null {
  return requests > 0 ? Math.round((latencySum / requests) * 10) / 10 : null;
}

/** Share of the minutes with calls that had no 5xx answer (the contract's definition). */
export function availability(minutesWithCalls: number, minutesWithServerErrors: number): number | null {
  return minutesWithCalls > 0 ? (minutesWithCalls - minutesWithServerErrors) / minutesWithCalls : null;
}

function ranked<K extends string, V extends string>(
  counts: ReadonlyMap<V, number>,
  name: K,
): ({ requests: number } & Record<K, V>)[] {
  return [...counts]
    .filter(([, requests]) => requests > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([value, requests]) => ({ [name]: value, requests }) as { requests: number } & Record<K, V>);
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

export interface StatsFilter {
  key_id: string | null;
  integration: IntegrationGroup | null;
  /** The keys the filter stands for (null: the whole account). */
  keys: KeySelection;
}

export const ACCOUNT_WIDE: StatsFilter = { key_id: null, integration: null, keys: null };

/** `integrationOf` tells each key's group (keys.ts keyGroupOf) for the breakdown by integration. */
export function buildStats(
  range: { from: string; to: string },
  days: ReadonlyMap<string, DailyDoc>,
  filter: StatsFilter,
  integrationOf: (keyId: string) => IntegrationBreakdownGroup,
): StatsResponse {
  const byKey = new Map<string, number>();
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
    const day = days.get(date);
    const totals = dayTotals(day, filter.keys);
    for (const [keyId, count] of dayCallsByKey(day, filter.keys))
      byKey.set(keyId, (byKey.get(keyId) ?? 0) + count);
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
    key_id: filter.key_id,
    integration: filter.integration,
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
    by_key: ranked(byKey, 'key_id'),
    by_integration: ranked(groupCounts(byKey, integrationOf), 'integration'),
  };
}

function groupCounts<G extends string>(
  counts: ReadonlyMap<string, number>,
  groupOf: (name: string) => G,
): Map<G, number> {
  const groups = new Map<G, number>();
  for (const [name, count] of counts) {
    const group = groupOf(name);
    groups.set(group, (groups.get(group) ?? 0) + count);
  }
  return groups;
}
