/**
 * `api_usage_daily/{account_id}_{date}`: SPEC's fields, plus `key_stats`, the same figures per key
 * so the dashboard can filter by key. `api_usage_monthly/{account_id}_{period}` has the same
 * account-level figures summed over the period's days. Every map is bounded (usage-bounds.ts):
 * names beyond a day's budget are counted under `other`, so each map sums to the total.
 *
 * Latency is kept as histograms of fixed buckets (shared/latency.ts): for the account, per
 * endpoint, per key and per (key, endpoint) pair, so percentiles over any range, key or endpoint
 * are sums of stored counts. Availability is kept as minute bitmaps (minute-bitmap.ts): the
 * minutes of the day with a call and those with a 5xx, for the account and per key.
 */
import { FieldPath, FieldValue, type DocumentData } from 'firebase-admin/firestore';
import { z } from 'zod';
import { withLegacyOwner } from '../accounts/legacy-owner.js';
import { isErrorStatus, isServerErrorStatus } from '../keys/batch-doc.js';
import { addLatency, mergeHistogram, type LatencyHistogram } from '../shared/latency.js';
import {
  addMinute,
  countMinutes,
  decodeMinutes,
  encodeMinutes,
  minuteOfDay,
  noMinutes,
  union,
  type MinuteSet,
} from './minute-bitmap.js';
import {
  DAY_NAME_FIELDS,
  KEY_ENDPOINT_LATENCY_COUNT,
  NameBudget,
  OTHER,
  placeKeyEndpoints,
  placeNames,
  renameCounts,
  type DayNames,
} from './usage-bounds.js';

const count = z.number().nonnegative().default(0);
const countMap = z.record(z.string(), z.number()).default({});
const histogramMap = z.record(z.string(), z.record(z.string(), z.number())).default({});

export const keyStatsSchema = z.object({
  requests: count,
  /** Units charged (days folded before calls had costs have none recorded: 0). */
  units: count,
  errors: count,
  latency_ms_sum: count,
  by_endpoint: countMap,
  by_status: countMap,
  /** Latency histogram of the key's calls (shared/latency.ts), and per endpoint (bounded). */
  latency_buckets: countMap,
  latency_buckets_by_endpoint: histogramMap,
  /** Minute bitmaps (minute-bitmap.ts): minutes with a call, and with a 5xx. */
  call_minutes: z.string().optional(),
  server_error_minutes: z.string().optional(),
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
  'latency_buckets',
  'latency_buckets_by_endpoint',
  'call_minutes',
  'server_error_minutes',
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
    /** Latency histograms (shared/latency.ts): the account's calls, and per endpoint. */
    latency_buckets: countMap,
    latency_buckets_by_endpoint: histogramMap,
    /** Minute bitmaps (minute-bitmap.ts): minutes with a call, and with a 5xx. */
    call_minutes: z.string().optional(),
    server_error_minutes: z.string().optional(),
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

/** Counts of a set of calls, the unit in which usage is folded and read. */
export interface UsageTotals {
  requests: number;
  units: number;
  credit_units: number;
  overage_units: number;
  meter_units: Record<string, number>;
  errors: number;
  /**
   * Of errors, the 5xx. Not stored: read from the counts by status, which hold every status our
   * API answers (a day's 33rd distinct status would be counted under `other`).
   */
  server_errors: number;
  latency_ms_sum: number;
  latency: LatencyHistogram;
  by_endpoint: Record<string, number>;
  by_status: Record<string, number>;
  latency_by_endpoint: Record<string, LatencyHistogram>;
  call_minutes: MinuteSet;
  server_error_minutes: MinuteSet;
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
    server_errors: 0,
    latency_ms_sum: 0,
    latency: {},
    by_endpoint: {},
    by_status: {},
    latency_by_endpoint: {},
    call_minutes: noMinutes(),
    server_error_minutes: noMinutes(),
  };
}

/**
 * `at`: when the call was answered (a batch's calls are all on its UTC day); calls without one
 * mark no minute.
 */
export function summarizeCalls(
  calls: readonly {
    endpoint: string;
    status: number;
    latency_ms: number;
    units?: number | undefined;
    at?: { toMillis(): number } | undefined;
  }[],
): UsageTotals {
  const totals = noUsage();
  for (const call of calls) {
    totals.requests += 1;
    totals.units += call.units ?? 0;
    const serverError = isServerErrorStatus(call.status);
    if (isErrorStatus(call.status)) totals.errors += 1;
    if (serverError) totals.server_errors += 1;
    totals.latency_ms_sum += call.latency_ms;
    addLatency(totals.latency, call.latency_ms);
    bump(totals.by_endpoint, call.endpoint);
    bump(totals.by_status, String(call.status));
    addLatency((totals.latency_by_endpoint[call.endpoint] ??= {}), call.latency_ms);
    if (call.at !== undefined) {
      const minute = minuteOfDay(call.at.toMillis());
      addMinute(totals.call_minutes, minute);
      if (serverError) addMinute(totals.server_error_minutes, minute);
    }
  }
  return totals;
}

/** 5xx answers among counts by status. */
export function serverErrorsByStatus(byStatus: Readonly<Record<string, number>>): number {
  return Object.entries(byStatus)
    .filter(([status]) => /^5[0-9][0-9]$/.test(status))
    .reduce((sum, [, calls]) => sum + calls, 0);
}

function renameHistograms(
  histograms: Readonly<Record<string, LatencyHistogram>>,
  placement: ReadonlyMap<string, string>,
): Record<string, LatencyHistogram> {
  const placed: Record<string, LatencyHistogram> = {};
  for (const [name, histogram] of Object.entries(histograms))
    mergeHistogram((placed[placement.get(name) ?? OTHER] ??= {}), histogram);
  return placed;
}

/** One batch's totals placed on the day's budgets (usage-bounds.ts). */
export interface BoundBatch {
  /** The key's id, or OTHER once the day holds its budget of other keys. */
  key: string;
  /** With endpoint and status names on the day's budgets. */
  totals: UsageTotals;
  /** The key's latency per endpoint, on the day's budget of (key, endpoint) histograms. */
  keyLatencyByEndpoint: Record<string, LatencyHistogram>;
  /** (key, endpoint) histograms this batch adds to the day. */
  addedKeyEndpoints: number;
}

/**
 * One batch's totals renamed onto the day's budgets, and the key name it is recorded under.
 * Per-key maps use the account's endpoint and status names, so they are bounded by the same
 * budgets; endpoint histograms follow the endpoint names the counts were placed on.
 */
export function boundToDay(names: DayNames, keyId: string, totals: UsageTotals): BoundBatch {
  const key = new NameBudget('keys', names.keys).place(keyId);
  const endpoints = placeNames(totals.by_endpoint, new NameBudget('endpoints', names.endpoints));
  const byEndpoint = renameCounts(totals.by_endpoint, endpoints);
  const latencyByEndpoint = renameHistograms(totals.latency_by_endpoint, endpoints);
  const pairs = placeKeyEndpoints(
    byEndpoint,
    names.keyEndpointLatency.byKey.get(key) ?? new Set(),
    names.keyEndpointLatency.count,
  );
  return {
    key,
    totals: {
      ...totals,
      by_endpoint: byEndpoint,
      by_status: renameCounts(
        totals.by_status,
        placeNames(totals.by_status, new NameBudget('statuses', names.statuses)),
      ),
      latency_by_endpoint: latencyByEndpoint,
    },
    keyLatencyByEndpoint: renameHistograms(latencyByEndpoint, pairs.placement),
    addedKeyEndpoints: pairs.added,
  };
}

/**
 * What the fold reads of the daily document in its transaction: the names (for the budgets),
 * the account's minute bitmaps, and for the batch's key and OTHER (where it may be recorded)
 * the endpoints holding latency histograms and the minute bitmaps. Not key_stats as a whole:
 * it is the bulk of the document.
 */
export function foldReadMask(keyId: string): (string | FieldPath)[] {
  const keys = keyId === OTHER ? [OTHER] : [keyId, OTHER];
  return [
    ...DAY_NAME_FIELDS,
    KEY_ENDPOINT_LATENCY_COUNT,
    'call_minutes',
    'server_error_minutes',
    ...keys.flatMap((key) =>
      ['latency_buckets_by_endpoint', 'call_minutes', 'server_error_minutes'].map(
        (field) => new FieldPath('key_stats', key, field),
      ),
    ),
  ];
}

/** The minute bitmaps a day holds for the account and for one key, as the fold read them. */
export interface DayMinutes {
  calls: MinuteSet;
  serverErrors: MinuteSet;
  keyCalls: MinuteSet;
  keyServerErrors: MinuteSet;
}

function fieldOf(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && name in value
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

export function dayMinutesOf(data: Record<string, unknown> | undefined, key: string): DayMinutes {
  const stats = fieldOf(fieldOf(data, 'key_stats'), key);
  return {
    calls: decodeMinutes(data?.call_minutes),
    serverErrors: decodeMinutes(data?.server_error_minutes),
    keyCalls: decodeMinutes(fieldOf(stats, 'call_minutes')),
    keyServerErrors: decodeMinutes(fieldOf(stats, 'server_error_minutes')),
  };
}

/** Minutes a batch adds to the account's bitmaps: what a closed month's counts grow by. */
export interface AddedMinutes {
  calls: number;
  serverErrors: number;
}

/** The bitmap field to write, only when the batch adds a minute to it, and how many it adds. */
function minutesWrite(
  field: string,
  stored: MinuteSet,
  batch: MinuteSet,
): { write: Record<string, string>; added: number } {
  const merged = union(stored, batch);
  const added = countMinutes(merged) - countMinutes(stored);
  return { write: added > 0 ? { [field]: encodeMinutes(merged) } : {}, added };
}

function increments(map: Readonly<Record<string, number>>): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, FieldValue.increment(value)]));
}

/**
 * `{ [field]: increments }`, or nothing for an empty map: in a `set(…, { merge: true })` an empty
 * map is a value of its own and would replace what the field holds (the day's meter_units, say,
 * wiped by a batch without meters).
 */
export function incrementsOf(field: string, map: Readonly<Record<string, number>>): DocumentData {
  return Object.keys(map).length === 0 ? {} : { [field]: increments(map) };
}

function histogramIncrementsOf(
  field: string,
  histograms: Readonly<Record<string, LatencyHistogram>>,
): DocumentData {
  const entries = Object.entries(histograms).filter(([, histogram]) => Object.keys(histogram).length > 0);
  return entries.length === 0
    ? {}
    : { [field]: Object.fromEntries(entries.map(([name, histogram]) => [name, increments(histogram)])) };
}

/**
 * Increments for a `set(…, { merge: true })` of the account-level figures a daily and a monthly
 * document share. Map keys such as `GET /v1/forecast` go in as nested object keys, never as
 * dotted update paths, so spaces, slashes and dots are safe.
 */
export function accountIncrements(keyId: string, totals: UsageTotals): DocumentData {
  return {
    total_requests: FieldValue.increment(totals.requests),
    total_units: FieldValue.increment(totals.units),
    credit_units: FieldValue.increment(totals.credit_units),
    overage_units: FieldValue.increment(totals.overage_units),
    // Names from a closed list (METERS), so the map stays bounded.
    ...incrementsOf('meter_units', totals.meter_units),
    error_count: FieldValue.increment(totals.errors),
    latency_ms_sum: FieldValue.increment(totals.latency_ms_sum),
    ...incrementsOf('latency_buckets', totals.latency),
    ...incrementsOf('requests_by_endpoint', totals.by_endpoint),
    ...incrementsOf('requests_by_status', totals.by_status),
    requests_by_key: { [keyId]: FieldValue.increment(totals.requests) },
  };
}

/**
 * The daily document's write for one batch placed by boundToDay, given the minute bitmaps the
 * day holds; `added` is what the batch adds to the account's minute counts.
 */
export function dailyIncrements(
  bound: BoundBatch,
  stored: DayMinutes,
): { write: DocumentData; added: AddedMinutes } {
  const { key, totals } = bound;
  const calls = minutesWrite('call_minutes', stored.calls, totals.call_minutes);
  const serverErrors = minutesWrite('server_error_minutes', stored.serverErrors, totals.server_error_minutes);
  const keyCalls = minutesWrite('call_minutes', stored.keyCalls, totals.call_minutes);
  const keyServerErrors = minutesWrite(
    'server_error_minutes',
    stored.keyServerErrors,
    totals.server_error_minutes,
  );
  return {
    write: {
      ...accountIncrements(key, totals),
      ...histogramIncrementsOf('latency_buckets_by_endpoint', totals.latency_by_endpoint),
      ...(bound.addedKeyEndpoints > 0
        ? { [KEY_ENDPOINT_LATENCY_COUNT]: FieldValue.increment(bound.addedKeyEndpoints) }
        : {}),
      ...calls.write,
      ...serverErrors.write,
      key_stats: {
        [key]: {
          requests: FieldValue.increment(totals.requests),
          units: FieldValue.increment(totals.units),
          errors: FieldValue.increment(totals.errors),
          latency_ms_sum: FieldValue.increment(totals.latency_ms_sum),
          ...incrementsOf('by_endpoint', totals.by_endpoint),
          ...incrementsOf('by_status', totals.by_status),
          ...incrementsOf('latency_buckets', totals.latency),
          ...histogramIncrementsOf('latency_buckets_by_endpoint', bound.keyLatencyByEndpoint),
          ...keyCalls.write,
          ...keyServerErrors.write,
        },
      },
    },
    added: { calls: calls.added, serverErrors: serverErrors.added },
  };
}

/**
 * A closed month's document gets the account-level figures, not the per-endpoint histograms (a
 * month's endpoints are not bounded as a day's are), and its minute counts grow by the minutes
 * the batch added to its day.
 */
export function monthlyIncrements(keyId: string, totals: UsageTotals, added: AddedMinutes): DocumentData {
  return {
    ...accountIncrements(keyId, totals),
    minutes_with_calls: FieldValue.increment(added.calls),
    minutes_with_server_errors: FieldValue.increment(added.serverErrors),
  };
}
