/**
 * `api_usage_events/{batch_id}`: one document per flushed group of calls of one key on one UTC
 * day (SPEC.md describes one document per call; batching is what keeps writes per call far
 * below one, see functions/README.md). `folded_at` is set by foldUsage, once.
 */
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { z } from 'zod';
import { withLegacyOwner } from '../accounts/legacy-owner.js';
import { isoDateSchema, periodSchema } from '../shared/dates.js';
import { meterNameSchema } from '../shared/plans.js';
import type { UsageBatch } from './usage-buffer.js';

/** Raw usage is kept this long; a Firestore TTL policy on `expire_at` deletes it. */
export const USAGE_RETENTION_DAYS = 30;
const DAY_MS = 86_400_000;

const timestamp = z.instanceof(Timestamp);

export const batchCallSchema = z.object({
  endpoint: z.string(),
  method: z.string(),
  status: z.number().int(),
  latency_ms: z.number().nonnegative(),
  at: timestamp,
  /** Units charged; absent on calls written before calls had costs (then 1 if billable). */
  units: z.number().int().nonnegative().optional(),
});
export type BatchCall = z.infer<typeof batchCallSchema>;

const batchFields = z.object({
  key_id: z.string(),
  account_id: z.string(),
  date: isoDateSchema,
  period: periodSchema,
  count: z.number().int().positive(),
  billable_count: z.number().int().nonnegative(),
  /** Units of the billable calls: what the monthly quota counts. */
  units: z.number().int().nonnegative(),
  /** Of `units`, those paid from prepaid credits and those billed as overage. */
  credit_units: z.number().int().nonnegative().default(0),
  overage_units: z.number().int().nonnegative().default(0),
  /** Units per named meter (shared/plans.ts METERS); other names are not counted. */
  meter_units: z.partialRecord(meterNameSchema, z.number().int().nonnegative()).catch({}).default({}),
  error_count: z.number().int().nonnegative(),
  first_at: timestamp,
  /** The last call's time: recent-usage queries order batches by it. */
  at: timestamp,
  calls: z.array(batchCallSchema),
  expire_at: timestamp,
  folded_at: timestamp.optional(),
});
/** A batch written before calls had costs charged one unit per billable call. */
function withLegacyUnits(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || 'units' in data) return data;
  return { ...data, units: 'billable_count' in data ? data.billable_count : undefined };
}

export const batchDocSchema = z.preprocess((data) => withLegacyUnits(withLegacyOwner(data)), batchFields);
/** The fields a fold needs before it reads the batch: delivered with the trigger's event. */
export const batchIdentitySchema = z.preprocess(
  (data) => withLegacyOwner(data),
  batchFields.pick({ key_id: true, account_id: true, date: true, period: true }),
);
export type BatchDoc = z.infer<typeof batchDocSchema>;

export function isErrorStatus(status: number): boolean {
  return status >= 400;
}

/** A 5xx: the API's fault, not the caller's; what availability counts against. */
export function isServerErrorStatus(status: number): boolean {
  return status >= 500;
}

export function toBatchDoc(batch: UsageBatch): DocumentData {
  const times = batch.calls.map((call) => call.at.getTime());
  const last = Math.max(...times);
  return {
    key_id: batch.key_id,
    account_id: batch.account_id,
    date: batch.date,
    period: batch.period,
    count: batch.calls.length,
    billable_count: batch.billable,
    units: batch.units,
    credit_units: batch.credit_units,
    overage_units: batch.overage_units,
    meter_units: batch.meter_units,
    error_count: batch.calls.filter((call) => isErrorStatus(call.status)).length,
    first_at: Timestamp.fromMillis(Math.min(...times)),
    at: Timestamp.fromMillis(last),
    calls: batch.calls.map((call) => ({
      endpoint: call.endpoint,
      method: call.method,
      status: call.status,
      latency_ms: call.latency_ms,
      at: Timestamp.fromDate(call.at),
      units: call.units,
    })),
    expire_at: Timestamp.fromMillis(last + USAGE_RETENTION_DAYS * DAY_MS),
  };
}
