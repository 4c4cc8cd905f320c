/** A closed month (`api_usage_monthly`, close-month.ts) as the account data export shows it. */
import type { DocumentData } from 'firebase-admin/firestore';
import { z } from 'zod';
import type { AccountExport } from '../shared/contracts.js';
import { latencyPercentiles } from '../shared/latency.js';
import { serverErrorsByStatus } from './daily-doc.js';
import { availability } from './stats-series.js';

/** The fields read: not requests_by_key or the rest, which the export does not show. */
export const MONTHLY_POINT_FIELDS = [
  'period',
  'total_requests',
  'total_units',
  'error_count',
  'requests_by_status',
  'latency_buckets',
  'minutes_with_calls',
  'minutes_with_server_errors',
] as const;

const count = z.number().nonnegative().catch(0).default(0);
const countMap = z.record(z.string(), z.number()).catch({}).default({});
const monthlyPointSchema = z.object({
  period: z.string(),
  total_requests: count,
  total_units: count,
  error_count: count,
  requests_by_status: countMap,
  /** Months closed before latency histograms were kept have none: their percentiles are null. */
  latency_buckets: countMap,
  minutes_with_calls: count,
  minutes_with_server_errors: count,
});

export function toMonthlyPoint(data: DocumentData): AccountExport['usage_monthly'][number] {
  const month = monthlyPointSchema.parse(data);
  return {
    period: month.period,
    requests: month.total_requests,
    units: month.total_units,
    errors: month.error_count,
    server_errors: serverErrorsByStatus(month.requests_by_status),
    ...latencyPercentiles(month.latency_buckets),
    minutes_with_calls: month.minutes_with_calls,
    minutes_with_server_errors: month.minutes_with_server_errors,
    availability: availability(month.minutes_with_calls, month.minutes_with_server_errors),
  };
}
