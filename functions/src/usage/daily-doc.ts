/**
 * `api_usage_daily/{account_id}_{date}`: SPEC's fields, plus `key_stats`, the same figures per key
 * so the dashboard can filter by key. `api_usage_monthly/{account_id}_{period}` has the same
 * account-level figures summed over the period's days. Every map is bounded (usage-bounds.ts):
 * names beyond a day's budget are counted under `other`, so each map sums to the total.
 */
import { FieldValue, type DocumentData } from 'firebase-admin/firestore';
import { z } from 'zod';
import { withLegacyOwner } from '../accounts/legacy-owner.js';
import { isErrorStatus } from '../keys/batch-doc.js';
import { NameBudget, placeCounts, type DayNames } from './usage-bounds.js';

const count = z.number().nonnegative().default(0);
const countMap = z.record(z.string(), z.number()).default({});

export const keyStatsSchema = z.object({
  requests: count,
  /** Units charged (days folded before calls had costs have none recorded: 0). */
  units: count,
  errors: count,
  latency_ms_sum: count,
  by_endpoint: countMap,
  by_status: countMap,
});
export type KeyStats = z.infer<typeof keyStatsSchema>;

/** The account-wide fields of a daily document: everything but key_stats, its bulk. */
export const ACCOUNT_DAY_FIELDS = [
  'account_id',
  'date',
  'total_requests',
  'total_units',
  'credit_units',
  'overage_units',
  'meter_units',
  'error_count',
  'latency_ms_sum',
  'requests_by_endpoint',
  'requests_by_status',
  'requests_by_key',
] as const;

/** A day written before accounts names its user: read as its personal account's (legacy-owner.ts). */
export const dailyDocSchema = z.preprocess(
  (data) => withLegacyOwner(data),
  z.object({
    account_id: z.string(),
    date: z.string(),
    total_requests: count,
    total_units: count,
    /** Of total_units, those paid from prepaid credits and those billed as overage. */
    credit_units: count,
    overage_units: count,
    /** Overage units of the day already sent to Stripe (overage-reporter.ts). */
    overage_reported: count,
    /** Units per named meter (shared/plans.ts METERS). */
    meter_units: countMap,
    error_count: count,
    latency_ms_sum: count,
    requests_by_endpoint: countMap,
    requests_by_status: countMap,
    requests_by_key: countMap,
    key_stats: z.record(z.string(), keyStatsSchema).default({}),
  }),
);
export type DailyDoc = z.infer<typeof dailyDocSchema>;

export function readDailyDoc(data: unknown): DailyDoc {
  return dailyDocSchema.parse(data);
}

/** Counts of a set of calls, the unit in which usage is folded. */
export interface UsageTotals {
  requests: number;
  units: number;
  credit_units: number;
  overage_units: number;
  meter_units: Record<string, number>;
  errors: number;
  latency_ms_sum: number;
  by_endpoint: Record<string, number>;
  by_status: Record<string, number>;
}

function bump(map: Record<string, number>, name: string, by = 1): void {
  map[name] = (map[name] ?? 0) + by;
}

/** The totals of no calls at all. */
export function noUsage(): UsageTotals {
  return {
    requests: 0,
    units: 0,
    credit_units: 0,
    overage_units: 0,
    meter_units: {},
    errors: 0,
    latency_ms_sum: 0,
    by_endpoint: {},
    by_status: {},
  };
}

export function summarizeCalls(
  calls: readonly { endpoint: string; status: number; latency_ms: number; units?: number | undefined }[],
): UsageTotals {
  const totals = noUsage();
  for (const call of calls) {
    totals.requests += 1;
    totals.units += call.units ?? 0;
    if (isErrorStatus(call.status)) totals.errors += 1;
    totals.latency_ms_sum += call.latency_ms;
    bump(totals.by_endpoint, call.endpoint);
    bump(totals.by_status, String(call.status));
  }
  return totals;
}

/**
 * One batch's totals renamed onto the day's budgets, and the key name it is recorded under (the
 * key's id, or OTHER once the day holds its budget of other keys). Per-key maps use the
 * account's endpoint and status names, so they are bounded by the same budgets.
 */
export function boundToDay(
  names: DayNames,
  keyId: string,
  totals: UsageTotals,
): { key: string; totals: UsageTotals } {
  return {
    key: new NameBudget('keys', names.keys).place(keyId),
    totals: {
      ...totals,
      by_endpoint: placeCounts(totals.by_endpoint, new NameBudget('endpoints', names.endpoints)),
      by_status: placeCounts(totals.by_status, new NameBudget('statuses', names.statuses)),
    },
  };
}

function increments(map: Record<string, number>): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, FieldValue.increment(value)]));
}

/**
 * Increments for a `set(…, { merge: true })`. Map keys such as `GET /v1/forecast` go in as
 * nested object keys, never as dotted update paths, so spaces, slashes and dots are safe.
 */
export function accountIncrements(keyId: string, totals: UsageTotals): DocumentData {
  return {
    total_requests: FieldValue.increment(totals.requests),
    total_units: FieldValue.increment(totals.units),
    credit_units: FieldValue.increment(totals.credit_units),
    overage_units: FieldValue.increment(totals.overage_units),
    // Names from a closed list (METERS), so the map stays bounded.
    meter_units: increments(totals.meter_units),
    error_count: FieldValue.increment(totals.errors),
    latency_ms_sum: FieldValue.increment(totals.latency_ms_sum),
    requests_by_endpoint: increments(totals.by_endpoint),
    requests_by_status: increments(totals.by_status),
    requests_by_key: { [keyId]: FieldValue.increment(totals.requests) },
  };
}

export function dailyIncrements(keyId: string, totals: UsageTotals): DocumentData {
  return {
    ...accountIncrements(keyId, totals),
    key_stats: {
      [keyId]: {
        requests: FieldValue.increment(totals.requests),
        units: FieldValue.increment(totals.units),
        errors: FieldValue.increment(totals.errors),
        latency_ms_sum: FieldValue.increment(totals.latency_ms_sum),
        by_endpoint: increments(totals.by_endpoint),
        by_status: increments(totals.by_status),
      },
    },
  };
}
