/**
 * The dashboard API contract: request schemas the functions parse input with, and response
 * schemas the dashboard parses answers with. Types are inferred from the schemas, never
 * written twice.
 */
import { z } from 'zod';
import { daysBetween, isoDateSchema, periodSchema } from './dates.js';
import { isDocumentId } from './ids.js';
import { meterNameSchema, overageModeSchema, paidPlanTierSchema, planTierSchema } from './plans.js';
import { accountKindSchema, roleSchema } from './roles.js';

// ---------------------------------------------------------------------------------------------
// Keys

export const SCOPES = ['read', 'write'] as const;
export const scopeSchema = z.enum(SCOPES);
export type Scope = z.infer<typeof scopeSchema>;
export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  read: 'Read endpoints (GET)',
  write: 'Write endpoints (POST)',
};

export const KEY_LABEL_MAX_LENGTH = 64;
export const MAX_ACTIVE_KEYS_PER_ACCOUNT = 25;
export const KEY_EXPIRY_MAX_DAYS = 365;
export const ROLL_GRACE_DEFAULT_HOURS = 24;
export const ROLL_GRACE_MAX_HOURS = 7 * 24;
/** A key counts as "expiring" in the dashboard when it expires within this many days. */
export const KEY_EXPIRING_SOON_DAYS = 7;

/** Firestore document ids of keys are random, URL-safe and short; anything else is not ours. */
export const keyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a key id')
  .refine(isDocumentId, 'not a key id');

const labelSchema = z
  .string()
  .trim()
  .min(1, 'label is required')
  .max(KEY_LABEL_MAX_LENGTH, `label is at most ${KEY_LABEL_MAX_LENGTH} characters`);

const scopesSchema = z
  .array(scopeSchema)
  .min(1, 'choose at least one scope')
  .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must not repeat');

export const createKeyRequestSchema = z.strictObject({
  label: labelSchema,
  scopes: scopesSchema.default(['read']),
  expires_in_days: z.number().int().min(1).max(KEY_EXPIRY_MAX_DAYS).optional(),
});
export type CreateKeyRequest = z.input<typeof createKeyRequestSchema>;

/** Per-key caps may only be tighter than the account's limits; `null` removes a cap. */
export const KEY_CAP_MONTHLY_MAX = 1_000_000_000;
export const KEY_CAP_PER_MINUTE_MAX = 1_000_000;
const capSchema = (max: number) => z.number().int().min(1).max(max).nullable();

export const updateKeyRequestSchema = z
  .strictObject({
    label: labelSchema.optional(),
    cap_monthly: capSchema(KEY_CAP_MONTHLY_MAX).optional(),
    cap_per_minute: capSchema(KEY_CAP_PER_MINUTE_MAX).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'send at least one of label, cap_monthly, cap_per_minute');
export type UpdateKeyRequest = z.infer<typeof updateKeyRequestSchema>;

export const rollKeyRequestSchema = z.strictObject({
  grace_period_hours: z.number().int().min(0).max(ROLL_GRACE_MAX_HOURS).default(ROLL_GRACE_DEFAULT_HOURS),
});
export type RollKeyRequest = z.input<typeof rollKeyRequestSchema>;

export const keyStatusSchema = z.enum(['active', 'expiring', 'expired', 'revoked']);
export type KeyStatus = z.infer<typeof keyStatusSchema>;

const timestampSchema = z.iso.datetime();

export const apiKeySchema = z.object({
  id: keyIdSchema,
  label: z.string(),
  key_prefix: z.string(),
  key_hint: z.string(),
  scopes: z.array(scopeSchema),
  account_id: z.string(),
  /** The uid of the member who created it (or rolled the key it replaced). */
  created_by: z.string(),
  status: keyStatusSchema,
  created_at: timestampSchema,
  expires_at: timestampSchema.nullable(),
  last_used_at: timestampSchema.nullable(),
  revoked_at: timestampSchema.nullable(),
  /** Units this key used this period, as folded so far. */
  monthly_usage: z.number().int().nonnegative(),
  usage_period: periodSchema,
  /** Tighter limits than the account's for this key and its successors; null when not set. */
  cap_monthly: z.number().int().positive().nullable(),
  cap_per_minute: z.number().int().positive().nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const listKeysResponseSchema = z.object({ keys: z.array(apiKeySchema) });
export type ListKeysResponse = z.infer<typeof listKeysResponseSchema>;

export const keyResponseSchema = z.object({ key: apiKeySchema });
export type KeyResponse = z.infer<typeof keyResponseSchema>;

/** The only response that ever carries a key's plaintext (`secret`). */
export const createKeyResponseSchema = z.object({ key: apiKeySchema, secret: z.string() });
export type CreateKeyResponse = z.infer<typeof createKeyResponseSchema>;

export const rollKeyResponseSchema = z.object({
  key: apiKeySchema,
  secret: z.string(),
  previous: apiKeySchema,
});
export type RollKeyResponse = z.infer<typeof rollKeyResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Profile

export const subscriptionStatusSchema = z.enum([
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'canceled',
  'incomplete',
  'incomplete_expired',
  'paused',
]);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

/** The account a dashboard request works on, and the caller's role in it. */
export const accountSummarySchema = z.object({
  id: z.string(),
  kind: accountKindSchema,
  name: z.string(),
  role: roleSchema,
  plan_tier: planTierSchema,
  subscription_status: subscriptionStatusSchema.nullable(),
  current_period_end: timestampSchema.nullable(),
  cancel_at_period_end: z.boolean(),
  /** A Stripe customer exists, so the Customer Portal can be opened. */
  has_billing_account: z.boolean(),
  /** Prepaid credits left, in units (granted less used). */
  credits_balance: z.number().int().nonnegative(),
  /** Whether credits were ever granted: a spent balance then answers 402 insufficient_credits. */
  has_credits: z.boolean(),
  billing_settings: z.object({
    overage: overageModeSchema,
    spend_cap_cents: z.number().int().positive().nullable(),
  }),
  created_at: timestampSchema,
});
export type AccountSummary = z.infer<typeof accountSummarySchema>;

/** This period's usage of one account against its limits, shared by all its keys. */
export const accountUsageSchema = z.object({
  period: periodSchema,
  /** All of the account's calls this period, refused ones included. */
  requests: z.number().int().nonnegative(),
  /** Units counted against the monthly quota (admitted calls). */
  units: z.number().int().nonnegative(),
  /** The account's monthly quota in units and its per-minute rate, from its plan. */
  quota: z.number().int().positive(),
  per_minute_limit: z.number().int().positive(),
  resets_at: timestampSchema,
  active_keys: z.number().int().nonnegative(),
  /** One indicator per named meter: units of that kind this period against the plan's limit (null: none). */
  meters: z.array(
    z.object({
      meter: meterNameSchema,
      label: z.string(),
      used: z.number().int().nonnegative(),
      monthly: z.number().int().positive().nullable(),
      per_minute: z.number().int().positive().nullable(),
    }),
  ),
  keys: z.array(
    z.object({
      id: keyIdSchema,
      label: z.string(),
      units: z.number().int().nonnegative(),
      cap_monthly: z.number().int().positive().nullable(),
      cap_per_minute: z.number().int().positive().nullable(),
    }),
  ),
});
export type AccountUsage = z.infer<typeof accountUsageSchema>;

/** `GET /summary` (and `/accounts/:account_id/summary`). */
export const accountResponseSchema = z.object({ account: accountSummarySchema, usage: accountUsageSchema });
export type AccountResponse = z.infer<typeof accountResponseSchema>;

/** `GET /accounts`: every account the caller belongs to, personal first. */
export const accountsResponseSchema = z.object({
  accounts: z.array(
    accountSummarySchema.pick({ id: true, kind: true, name: true, role: true, plan_tier: true }),
  ),
});
export type AccountsResponse = z.infer<typeof accountsResponseSchema>;

export const meResponseSchema = z.object({
  user: z.object({
    uid: z.string(),
    email: z.string().nullable(),
    display_name: z.string().nullable(),
    photo_url: z.string().nullable(),
    created_at: timestampSchema,
    is_admin: z.boolean(),
  }),
  /** The caller's personal account. */
  account: accountSummarySchema,
  usage: accountUsageSchema,
});
export type MeResponse = z.infer<typeof meResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Usage

export const STATS_MAX_DAYS = 366;

const dateRangeShape = {
  from: isoDateSchema,
  to: isoDateSchema,
};

function rangeIsValid(range: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (range.from > range.to) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
  } else if (daysBetween(range.from, range.to) > STATS_MAX_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `a range is at most ${STATS_MAX_DAYS} days` });
  }
}

export const statsQuerySchema = z
  .strictObject({ ...dateRangeShape, key_id: keyIdSchema.optional() })
  .superRefine(rangeIsValid);
export type StatsQuery = z.infer<typeof statsQuerySchema>;

export const exportQuerySchema = statsQuerySchema;
export type ExportQuery = StatsQuery;

/** Without `key_id`: the account's latest calls across all its keys. */
export const recentUsageQuerySchema = z.strictObject({ key_id: keyIdSchema.optional() });

export const dailyPointSchema = z.object({
  date: isoDateSchema,
  requests: z.number().int().nonnegative(),
  /** Units charged: what the quota counts (a call costs 1 unless its endpoint says otherwise). */
  units: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  avg_latency_ms: z.number().nonnegative().nullable(),
});
export type DailyPoint = z.infer<typeof dailyPointSchema>;

export const statsResponseSchema = z.object({
  from: isoDateSchema,
  to: isoDateSchema,
  key_id: keyIdSchema.nullable(),
  totals: z.object({
    requests: z.number().int().nonnegative(),
    units: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    /** errors / requests, 0 when there were no requests. */
    error_rate: z.number().min(0).max(1),
    avg_latency_ms: z.number().nonnegative().nullable(),
  }),
  /** One point per day of the range, zero-filled, oldest first. */
  daily: z.array(dailyPointSchema),
  /** Endpoints as `METHOD /path`, most requested first. */
  by_endpoint: z.array(z.object({ endpoint: z.string(), requests: z.number().int().nonnegative() })),
  /** HTTP status codes as strings, most frequent first. */
  by_status: z.array(z.object({ status: z.string(), requests: z.number().int().nonnegative() })),
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

export const usageEventSchema = z.object({
  key_id: keyIdSchema,
  endpoint: z.string(),
  method: z.string(),
  status: z.number().int(),
  latency_ms: z.number().nonnegative(),
  /** Units charged; null for calls recorded before calls had costs. */
  units: z.number().int().nonnegative().nullable(),
  at: timestampSchema,
});
export type UsageEvent = z.infer<typeof usageEventSchema>;

export const RECENT_USAGE_LIMIT = 50;
export const recentUsageResponseSchema = z.object({ events: z.array(usageEventSchema) });
export type RecentUsageResponse = z.infer<typeof recentUsageResponseSchema>;

/** Columns of `GET /usage/export`, one row per day and key. */
export const USAGE_EXPORT_COLUMNS = [
  'date',
  'key_id',
  'key_label',
  'requests',
  'units',
  'errors',
  'avg_latency_ms',
] as const;

// ---------------------------------------------------------------------------------------------
// Billing

export const checkoutRequestSchema = z.strictObject({ plan: paidPlanTierSchema });
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;

export const redirectResponseSchema = z.object({ url: z.url() });
export type RedirectResponse = z.infer<typeof redirectResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Admin

/** Days shown by `GET /admin/stats` when the query names no range: the last 30, today included. */
export const ADMIN_STATS_DEFAULT_DAYS = 30;
export const ADMIN_TOP_ACCOUNTS = 10;

/** `GET /admin/stats?from&to`: both optional; a given range obeys the same rules as `/stats`. */
export const adminStatsQuerySchema = z.strictObject({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
});
export type AdminStatsQuery = z.infer<typeof adminStatsQuerySchema>;

export const adminStatsResponseSchema = z.object({
  from: isoDateSchema,
  to: isoDateSchema,
  totals: z.object({
    accounts: z.number().int().nonnegative(),
    active_keys: z.number().int().nonnegative(),
    requests: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
  }),
  daily: z.array(dailyPointSchema),
  top_accounts: z.array(
    z.object({
      account_id: z.string(),
      /** null: the account no longer exists (deleted, its usage still in the range). */
      name: z.string().nullable(),
      /** A personal account's user's email; null for a team. */
      email: z.string().nullable(),
      plan_tier: planTierSchema,
      requests: z.number().int().nonnegative(),
    }),
  ),
});
export type AdminStatsResponse = z.infer<typeof adminStatsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Data export (Settings → "export my data")

export const accountExportSchema = z.object({
  exported_at: timestampSchema,
  profile: meResponseSchema.shape.user,
  account: accountSummarySchema,
  keys: z.array(apiKeySchema),
  usage_daily: z.array(
    dailyPointSchema.extend({
      by_endpoint: z.record(z.string(), z.number()),
      by_status: z.record(z.string(), z.number()),
    }),
  ),
  usage_monthly: z.array(
    z.object({
      period: periodSchema,
      requests: z.number().int().nonnegative(),
      units: z.number().int().nonnegative(),
      errors: z.number().int().nonnegative(),
    }),
  ),
});
export type AccountExport = z.infer<typeof accountExportSchema>;
