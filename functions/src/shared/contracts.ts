/**
 * The dashboard API contract: request schemas the functions parse input with, and response
 * schemas the dashboard parses answers with. Types are inferred from the schemas, never
 * written twice.
 */
import { z } from 'zod';
import { daysBetween, isoDateSchema, periodSchema } from './dates.js';
import { isDocumentId } from './ids.js';
import { creditPackIdSchema } from './credit-packs.js';
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

/**
 * Where a key is used outside the customer's own code: chosen at creation and kept for the key's
 * life (its successors after a roll too), so a breakdown of past usage by integration never
 * changes after the fact. Keys without one are grouped as NO_INTEGRATION.
 */
export const INTEGRATIONS = ['zapier', 'n8n', 'make', 'google_sheets', 'custom'] as const;
export const integrationSchema = z.enum(INTEGRATIONS);
export type Integration = z.infer<typeof integrationSchema>;
export const INTEGRATION_LABELS: Readonly<Record<Integration, string>> = {
  zapier: 'Zapier',
  n8n: 'n8n',
  make: 'Make',
  google_sheets: 'Google Sheets',
  custom: 'Custom',
};
export const NO_INTEGRATION = 'none';
/** An integration, or `none` for the keys without one: what usage is filtered and grouped by. */
export const integrationGroupSchema = z.enum([...INTEGRATIONS, NO_INTEGRATION]);
export type IntegrationGroup = z.infer<typeof integrationGroupSchema>;
/** A breakdown's groups: also `other`, the calls of keys a daily document did not keep apart. */
export const integrationBreakdownGroupSchema = z.enum([...INTEGRATIONS, NO_INTEGRATION, 'other']);
export type IntegrationBreakdownGroup = z.infer<typeof integrationBreakdownGroupSchema>;

/**
 * A key's metadata: a flat JSON object the account holder sets (a customer id, a plan name) and
 * `POST /v1/keys/verify` returns, so a service outside Firebase can tie a key to its own records.
 * Names start with a letter (which also keeps clear of Firestore's reserved `__…__` names);
 * values are strings, numbers, booleans or null; the whole object is at most 1 KB as JSON.
 */
export const KEY_METADATA_MAX_BYTES = 1024;
export const KEY_METADATA_MAX_PROPERTIES = 20;
export const KEY_METADATA_NAME_MAX_LENGTH = 40;
export const KEY_METADATA_STRING_MAX_LENGTH = 256;

export function metadataBytes(metadata: Readonly<Record<string, unknown>>): number {
  return new TextEncoder().encode(JSON.stringify(metadata)).length;
}

export const keyMetadataValueSchema = z.union([
  z
    .string()
    .max(KEY_METADATA_STRING_MAX_LENGTH, `a value is at most ${KEY_METADATA_STRING_MAX_LENGTH} characters`),
  z.number(),
  z.boolean(),
  z.null(),
]);

export const keyMetadataSchema = z
  .record(
    z
      .string()
      .regex(
        new RegExp(`^[A-Za-z][A-Za-z0-9_-]{0,${KEY_METADATA_NAME_MAX_LENGTH - 1}}$`),
        `a property name starts with a letter and has at most ${KEY_METADATA_NAME_MAX_LENGTH} letters, digits, _ or -`,
      ),
    keyMetadataValueSchema,
  )
  .refine(
    (metadata) => Object.keys(metadata).length <= KEY_METADATA_MAX_PROPERTIES,
    `metadata has at most ${KEY_METADATA_MAX_PROPERTIES} properties`,
  )
  .refine(
    (metadata) => metadataBytes(metadata) <= KEY_METADATA_MAX_BYTES,
    `metadata is at most ${KEY_METADATA_MAX_BYTES} bytes as JSON`,
  )
  .meta({
    description: `Flat: string, number, boolean or null values; at most ${KEY_METADATA_MAX_PROPERTIES} properties and ${KEY_METADATA_MAX_BYTES} bytes as JSON.`,
    maxProperties: KEY_METADATA_MAX_PROPERTIES,
    example: { customer_id: 'cus_123', tier: 'gold' },
  });
export type KeyMetadata = z.infer<typeof keyMetadataSchema>;

export const createKeyRequestSchema = z.strictObject({
  label: labelSchema,
  scopes: scopesSchema.default(['read']),
  expires_in_days: z.number().int().min(1).max(KEY_EXPIRY_MAX_DAYS).optional(),
  integration: integrationSchema.optional(),
  metadata: keyMetadataSchema.optional(),
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
    /** Replaces the key's metadata whole; `null` (or `{}`) removes it. */
    metadata: keyMetadataSchema.nullable().optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'send at least one of label, cap_monthly, cap_per_minute, metadata',
  );
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
  integration: integrationSchema.nullable(),
  /** Null when the key has none. */
  metadata: keyMetadataSchema.nullable(),
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
    accountSummarySchema.pick({ id: true, kind: true, name: true, role: true, plan_tier: true }).extend({
      /** A team's, for dashboard URLs; null for the personal account. */ slug: z.string().nullable(),
    }),
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

/** The whole account, one key (`key_id`) or the keys of one integration (`integration`). */
export const statsQuerySchema = z
  .strictObject({
    ...dateRangeShape,
    key_id: keyIdSchema.optional(),
    integration: integrationGroupSchema.optional(),
  })
  .superRefine(rangeIsValid)
  .refine((query) => query.key_id === undefined || query.integration === undefined, {
    message: 'filter by key_id or by integration, not both',
    path: ['integration'],
  });
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

/**
 * Latency percentiles in ms from the fixed histogram buckets of shared/latency.ts: each is the
 * upper bound of the bucket holding that rank ("p95 150" means at least 95% of the calls took at
 * most 150 ms). Null without calls, or for days folded before latency histograms were kept.
 */
const latencyPercentilesShape = {
  p50_ms: z.number().nonnegative().nullable(),
  p95_ms: z.number().nonnegative().nullable(),
  p99_ms: z.number().nonnegative().nullable(),
};

/**
 * Availability: the share of minutes with at least one call in which no call was answered 5xx
 * (minutes without calls say nothing either way); null without such minutes.
 */
const availabilityShape = {
  /** Minutes (UTC) with at least one call, and of them those with at least one 5xx answer. */
  minutes_with_calls: z.number().int().nonnegative(),
  minutes_with_server_errors: z.number().int().nonnegative(),
  availability: z.number().min(0).max(1).nullable(),
};

/** A day of one account's (or key's) usage, with its latency and availability. */
export const usageDayPointSchema = dailyPointSchema.extend({
  /** Of `errors`, those answered 5xx. */
  server_errors: z.number().int().nonnegative(),
  ...latencyPercentilesShape,
  ...availabilityShape,
});
export type UsageDayPoint = z.infer<typeof usageDayPointSchema>;

export const statsResponseSchema = z.object({
  from: isoDateSchema,
  to: isoDateSchema,
  key_id: keyIdSchema.nullable(),
  integration: integrationGroupSchema.nullable(),
  totals: z.object({
    requests: z.number().int().nonnegative(),
    units: z.number().int().nonnegative(),
    errors: z.number().int().nonnegative(),
    /** errors / requests, 0 when there were no requests. */
    error_rate: z.number().min(0).max(1),
    /** Calls answered below 400 (1xx–3xx) / requests: 1 − error_rate; null without requests. */
    success_rate: z.number().min(0).max(1).nullable(),
    server_errors: z.number().int().nonnegative(),
    avg_latency_ms: z.number().nonnegative().nullable(),
    ...latencyPercentilesShape,
    ...availabilityShape,
  }),
  /** One point per day of the range, zero-filled, oldest first. */
  daily: z.array(usageDayPointSchema),
  /** Endpoints as `METHOD /path`, most requested first, with their latency over the range. */
  by_endpoint: z.array(
    z.object({ endpoint: z.string(), requests: z.number().int().nonnegative(), ...latencyPercentilesShape }),
  ),
  /** HTTP status codes as strings, most frequent first. */
  by_status: z.array(z.object({ status: z.string(), requests: z.number().int().nonnegative() })),
  /**
   * Calls per key in the range (of the filter's keys), most first. `other` holds the calls of a
   * day's keys beyond the 50 it keeps apart (usage-bounds.ts).
   */
  by_key: z.array(z.object({ key_id: z.string(), requests: z.number().int().nonnegative() })),
  /** The same calls by their key's integration; `other` as in by_key. */
  by_integration: z.array(
    z.object({ integration: integrationBreakdownGroupSchema, requests: z.number().int().nonnegative() }),
  ),
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
  'key_integration',
  'requests',
  'units',
  'errors',
  'avg_latency_ms',
  'server_errors',
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'minutes_with_calls',
  'minutes_with_server_errors',
  'availability',
] as const;

// ---------------------------------------------------------------------------------------------
// Onboarding (the first-run checklist on Overview)

/**
 * In order: a key exists; a call with one of the account's keys reached the API (seen in the raw
 * usage, before aggregation); that call is counted in the daily usage; a plan was chosen (a paid
 * one, or "stay on Free"). `pick_plan` is only asked of roles that manage billing.
 */
export const ONBOARDING_STEPS = ['create_key', 'first_call', 'call_counted', 'pick_plan'] as const;
export const onboardingStepSchema = z.enum(ONBOARDING_STEPS);
export type OnboardingStep = z.infer<typeof onboardingStepSchema>;

export const onboardingResponseSchema = z.object({
  steps: z.array(z.object({ id: onboardingStepSchema, done: z.boolean() })),
  complete: z.boolean(),
  /** The caller hid the checklist for this account (each member decides for themself). */
  dismissed: z.boolean(),
});
export type OnboardingResponse = z.infer<typeof onboardingResponseSchema>;

export const updateOnboardingRequestSchema = z
  .strictObject({
    dismissed: z.boolean().optional(),
    /** Ticks "pick a plan" while staying on Free. */
    stay_on_free: z.literal(true).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'send dismissed or stay_on_free');
export type UpdateOnboardingRequest = z.infer<typeof updateOnboardingRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Billing

export const checkoutRequestSchema = z.strictObject({ plan: paidPlanTierSchema });
export type CheckoutRequest = z.infer<typeof checkoutRequestSchema>;

export const redirectResponseSchema = z.object({ url: z.url() });
export type RedirectResponse = z.infer<typeof redirectResponseSchema>;

/** `POST /billing/plan {plan}`: a paying account moves its subscription to the other paid plan. */
export const changePlanRequestSchema = z.strictObject({ plan: paidPlanTierSchema });
export type ChangePlanRequest = z.infer<typeof changePlanRequestSchema>;

/** `POST /billing/credits/checkout {pack}`: a Checkout Session (payment mode) → `{url}`. */
export const creditsCheckoutRequestSchema = z.strictObject({ pack: creditPackIdSchema });
export type CreditsCheckoutRequest = z.infer<typeof creditsCheckoutRequestSchema>;

export const creditEntryKindSchema = z.enum(['grant', 'usage', 'adjustment']);
export type CreditEntryKind = z.infer<typeof creditEntryKindSchema>;

/** One `credit_ledger` entry; `units` is the change to the balance (a day's usage is negative). */
export const creditLedgerEntrySchema = z.object({
  id: z.string(),
  kind: creditEntryKindSchema,
  units: z.number().int(),
  at: timestampSchema,
  /** The day whose calls used the credits (usage entries). */
  date: isoDateSchema.nullable(),
  /** What the pack cost (grants), for those who may see billing; null otherwise. */
  amount_cents: z.number().int().nonnegative().nullable(),
  /** An operator's reason (adjustments). */
  reason: z.string().nullable(),
});
export type CreditLedgerEntry = z.infer<typeof creditLedgerEntrySchema>;

export const RECENT_CREDIT_ENTRIES_LIMIT = 50;
/** Far above any balance, and still exact as a double. */
export const CREDIT_ADJUSTMENT_MAX_UNITS = 1_000_000_000_000;

/**
 * `POST /admin/accounts/:account_id/credits/adjustments` (operators): a correction to an
 * account's credits, positive or negative, with the reason shown in its ledger. `id`, chosen by
 * the client once per adjustment, makes a retried request apply it once.
 */
export const creditAdjustmentRequestSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'an id of 8 to 64 letters, digits, - or _'),
  units: z
    .number()
    .int()
    .min(-CREDIT_ADJUSTMENT_MAX_UNITS)
    .max(CREDIT_ADJUSTMENT_MAX_UNITS)
    .refine((units) => units !== 0, 'an adjustment changes the balance'),
  reason: z.string().trim().min(3, 'a reason of at least 3 characters').max(200),
});
export type CreditAdjustmentRequest = z.infer<typeof creditAdjustmentRequestSchema>;

export const creditAdjustmentResponseSchema = z.object({
  entry: creditLedgerEntrySchema,
  /** The account's balance after it. */
  balance: z.number().int().nonnegative(),
  /** False when this id had been applied already (a retry): nothing changed. */
  applied: z.boolean(),
});
export type CreditAdjustmentResponse = z.infer<typeof creditAdjustmentResponseSchema>;

/** `GET /billing/credits`: the balance and the newest ledger entries. */
export const creditsResponseSchema = z.object({
  balance: z.number().int().nonnegative(),
  granted: z.number().int().nonnegative(),
  used: z.number().int().nonnegative(),
  has_credits: z.boolean(),
  entries: z.array(creditLedgerEntrySchema),
});
export type CreditsResponse = z.infer<typeof creditsResponseSchema>;

export const invoiceStatusSchema = z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']);
export type InvoiceStatus = z.infer<typeof invoiceStatusSchema>;

export const invoiceSummarySchema = z.object({
  id: z.string(),
  /** null while a draft. */
  number: z.string().nullable(),
  created: timestampSchema,
  period_start: timestampSchema,
  period_end: timestampSchema,
  currency: z.string(),
  /** In the currency's smallest unit (cents). */
  total: z.number().int(),
  amount_due: z.number().int(),
  amount_paid: z.number().int(),
  status: invoiceStatusSchema,
  /** Stripe's hosted page of the invoice (to view and pay it); null while a draft. */
  hosted_invoice_url: z.url().nullable(),
});
export type InvoiceSummary = z.infer<typeof invoiceSummarySchema>;

export const INVOICES_LIMIT = 24;
/** `GET /billing/invoices`: the newest invoices first. */
export const invoicesResponseSchema = z.object({ invoices: z.array(invoiceSummarySchema) });
export type InvoicesResponse = z.infer<typeof invoicesResponseSchema>;

export const invoiceLineKindSchema = z.enum(['plan', 'overage', 'other']);
export const invoiceLineSchema = z.object({
  description: z.string(),
  kind: invoiceLineKindSchema,
  /** Units of usage on an overage line; the plan's quantity otherwise. */
  quantity: z.number().int().nonnegative().nullable(),
  amount: z.number().int(),
  period_start: timestampSchema,
  period_end: timestampSchema,
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

/** `GET /billing/upcoming`: the next invoice as it stands (base plus the overage reported so far). */
export const upcomingInvoiceResponseSchema = z.object({
  upcoming: z
    .object({
      currency: z.string(),
      total: z.number().int(),
      amount_due: z.number().int(),
      period_start: timestampSchema,
      period_end: timestampSchema,
      /** When Stripe will charge it; null if it will not (e.g. a subscription ending). */
      next_payment_attempt: timestampSchema.nullable(),
      lines: z.array(invoiceLineSchema),
    })
    .nullable(),
});
export type UpcomingInvoiceResponse = z.infer<typeof upcomingInvoiceResponseSchema>;

/** The highest monthly spend cap on overage: $1,000,000. */
export const SPEND_CAP_MAX_CENTS = 100_000_000;

/** `PUT /billing/settings`: what happens beyond the included units, and the monthly cap on overage. */
export const billingSettingsRequestSchema = z.strictObject({
  overage: overageModeSchema,
  spend_cap_cents: z
    .number()
    .int('the cap is a whole number of cents')
    .min(1, 'the cap is at least 1 cent; send null for no cap')
    .max(SPEND_CAP_MAX_CENTS, `the cap is at most ${SPEND_CAP_MAX_CENTS} cents`)
    .nullable(),
});
export type BillingSettingsRequest = z.infer<typeof billingSettingsRequestSchema>;

/** `PUT /billing/settings`, `POST /billing/cancel`, `POST /billing/resume`: the account after the change. */
export const billingAccountResponseSchema = z.object({ account: accountSummarySchema });
export type BillingAccountResponse = z.infer<typeof billingAccountResponseSchema>;

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
    ...latencyPercentilesShape,
  }),
  daily: z.array(dailyPointSchema.extend(latencyPercentilesShape)),
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
  /** The current month's revenue figures (UTC). */
  billing: z.object({
    period: periodSchema,
    /** Accounts whose subscription is active, trialing or past due, by plan. */
    paying_accounts: z.object({
      pro: z.number().int().nonnegative(),
      enterprise: z.number().int().nonnegative(),
    }),
    /** Those accounts times their plan's price in the plan table. */
    mrr_cents: z.number().int().nonnegative(),
    credits_sold: z.object({
      purchases: z.number().int().nonnegative(),
      units: z.number().int().nonnegative(),
      amount_cents: z.number().int().nonnegative(),
    }),
    /** Overage of this month's days reported to Stripe, at the plans' prices (Stripe rounds per invoice). */
    overage_billed: z.object({
      units: z.number().int().nonnegative(),
      amount_cents: z.number().int().nonnegative(),
    }),
  }),
});
export type AdminStatsResponse = z.infer<typeof adminStatsResponseSchema>;

// ---------------------------------------------------------------------------------------------
// Alerts and notifications

/** What can fire: a share of the quota, a credit balance, the spend cap, a key's monthly cap. */
export const ALERT_KINDS = ['quota_threshold', 'low_credits', 'spend_cap', 'key_cap'] as const;
export const alertKindSchema = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof alertKindSchema>;

export const DEFAULT_QUOTA_THRESHOLDS: readonly number[] = [80, 100];
export const MAX_QUOTA_THRESHOLDS = 5;
export const MAX_ALERT_RECIPIENTS = 5;
/** Far above any credit balance, and still exact as a double. */
export const LOW_CREDITS_UNITS_MAX = 1_000_000_000_000;
export const WEBHOOK_URL_MAX_LENGTH = 2048;

const quotaThresholdsSchema = z
  .array(
    z
      .number()
      .int('a threshold is a whole percentage')
      .min(1, 'a threshold is at least 1%')
      .max(100, 'a threshold is at most 100%'),
  )
  .max(MAX_QUOTA_THRESHOLDS, `at most ${MAX_QUOTA_THRESHOLDS} thresholds`)
  .refine((values) => new Set(values).size === values.length, 'thresholds must not repeat')
  .transform((values) => [...values].sort((a, b) => a - b));

const recipientsSchema = z
  .array(
    z.string().trim().max(254, 'an address is at most 254 characters').pipe(z.email('not an email address')),
  )
  .max(MAX_ALERT_RECIPIENTS, `at most ${MAX_ALERT_RECIPIENTS} recipients`)
  .refine(
    (values) => new Set(values.map((value) => value.toLowerCase())).size === values.length,
    'recipients must not repeat',
  );

/** `PUT /alerts/settings`: the whole of what an account configures about its alerts. */
export const alertSettingsRequestSchema = z.strictObject({
  quota_thresholds: quotaThresholdsSchema,
  /** Alert when the credit balance falls to this many units or below; null: no such alert. */
  low_credits_units: z.number().int().min(0).max(LOW_CREDITS_UNITS_MAX).nullable(),
  email: z.strictObject({
    enabled: z.boolean(),
    /** Empty: the account's owner. */
    recipients: recipientsSchema,
  }),
});
export type AlertSettingsRequest = z.input<typeof alertSettingsRequestSchema>;

function isWebhookUrlShape(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.username === '' &&
      url.password === '' &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}

/**
 * The shape of a webhook URL. Where it may point (https only in production, never a private
 * address) is the functions' check, at registration and again before every delivery.
 */
export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'url is required')
  .max(WEBHOOK_URL_MAX_LENGTH, `a URL is at most ${WEBHOOK_URL_MAX_LENGTH} characters`)
  .refine(isWebhookUrlShape, 'not an https:// URL without credentials or fragment');

export const registerWebhookRequestSchema = z.strictObject({ url: webhookUrlSchema });
export type RegisterWebhookRequest = z.infer<typeof registerWebhookRequestSchema>;

/** A registered webhook as the dashboard sees it: never its secret. */
export const webhookSchema = z.object({ url: z.string(), created_at: timestampSchema });
export type Webhook = z.infer<typeof webhookSchema>;

export const alertSettingsSchema = z.object({
  quota_thresholds: z.array(z.number().int()),
  low_credits_units: z.number().int().nonnegative().nullable(),
  email: z.object({ enabled: z.boolean(), recipients: z.array(z.string()) }),
  webhook: webhookSchema.nullable(),
  /** null: never saved, the defaults apply. */
  updated_at: timestampSchema.nullable(),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

export const firedAlertSchema = z.object({
  id: z.string(),
  kind: alertKindSchema,
  /** A percentage for `quota_threshold`, units otherwise. */
  threshold: z.number(),
  period: periodSchema,
  key_id: z.string().nullable(),
  meter: z.string(),
  value: z.number(),
  limit: z.number().nullable(),
  fired_at: timestampSchema,
});
export type FiredAlert = z.infer<typeof firedAlertSchema>;

export const RECENT_ALERTS_LIMIT = 50;

/** `GET /alerts`. */
export const alertsResponseSchema = z.object({
  settings: alertSettingsSchema,
  alerts: z.array(firedAlertSchema),
});
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;

/** `PUT /alerts/settings`. */
export const alertSettingsResponseSchema = z.object({ settings: alertSettingsSchema });
export type AlertSettingsResponse = z.infer<typeof alertSettingsResponseSchema>;

/** `PUT /alerts/webhook`: the only response that carries the signing secret. */
export const registerWebhookResponseSchema = z.object({ webhook: webhookSchema, secret: z.string() });
export type RegisterWebhookResponse = z.infer<typeof registerWebhookResponseSchema>;

export const WEBHOOK_EVENT_TYPES = [
  ...ALERT_KINDS.map((kind) => `alert.${kind}` as const),
  'alert.test',
] as const;
export const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

export const webhookDeliveryStatusSchema = z.enum(['pending', 'delivered', 'failed']);
export type WebhookDeliveryStatus = z.infer<typeof webhookDeliveryStatusSchema>;

export const webhookAttemptSchema = z.object({
  at: timestampSchema,
  url: z.string(),
  /** The receiver's HTTP status; null when none came back (see `error`). */
  status_code: z.number().int().nullable(),
  /** Why there was no 2xx without a status: timeout, refused address, connection error. */
  error: z.string().nullable(),
  duration_ms: z.number().nonnegative(),
});
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

export const webhookDeliverySchema = z.object({
  /** Also the event's `id` and its `Keymeter-Event-Id` header: receivers deduplicate on it. */
  id: z.string(),
  type: webhookEventTypeSchema,
  alert_id: z.string().nullable(),
  status: webhookDeliveryStatusSchema,
  created_at: timestampSchema,
  /** When the next attempt is due; null once delivered or failed. */
  next_attempt_at: timestampSchema.nullable(),
  attempts: z.array(webhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const RECENT_DELIVERIES_LIMIT = 50;
export const webhookDeliveriesResponseSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });
export type WebhookDeliveriesResponse = z.infer<typeof webhookDeliveriesResponseSchema>;

/** `POST /alerts/webhook/test`: the test event's delivery after its first attempt. */
export const webhookDeliveryResponseSchema = z.object({ delivery: webhookDeliverySchema });
export type WebhookDeliveryResponse = z.infer<typeof webhookDeliveryResponseSchema>;

/** What a receiver gets as the body of a webhook request (signed, see the README). */
export const webhookEventSchema = z.object({
  id: z.string(),
  type: webhookEventTypeSchema,
  /** Unix seconds. */
  created: z.number().int(),
  account_id: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

export const notificationSchema = z.object({
  id: z.string(),
  kind: alertKindSchema,
  title: z.string(),
  body: z.string(),
  created_at: timestampSchema,
  read_at: timestampSchema.nullable(),
});
export type Notification = z.infer<typeof notificationSchema>;

// ---------------------------------------------------------------------------------------------
// Data export (Settings → "export my data")

export const accountExportSchema = z.object({
  exported_at: timestampSchema,
  profile: meResponseSchema.shape.user,
  account: accountSummarySchema,
  keys: z.array(apiKeySchema),
  usage_daily: z.array(
    usageDayPointSchema.extend({
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
      server_errors: z.number().int().nonnegative(),
      ...latencyPercentilesShape,
      ...availabilityShape,
    }),
  ),
  credit_ledger: z.array(creditLedgerEntrySchema),
  /** Never the webhook's secret. */
  alert_settings: alertSettingsSchema,
  alerts: z.array(firedAlertSchema),
  notifications: z.array(notificationSchema),
});
export type AccountExport = z.infer<typeof accountExportSchema>;

export const RECENT_NOTIFICATIONS_LIMIT = 50;
export const MARK_READ_MAX_IDS = 100;

/** `GET /notifications`: the latest, newest first, and how many of all are unread. */
export const notificationsResponseSchema = z.object({
  notifications: z.array(notificationSchema),
  unread: z.number().int().nonnegative(),
});
export type NotificationsResponse = z.infer<typeof notificationsResponseSchema>;

/** `POST /notifications/read`: some by id, or every unread one. */
export const markNotificationsReadRequestSchema = z
  .strictObject({
    ids: z
      .array(z.string().max(512, 'not a notification id').refine(isDocumentId, 'not a notification id'))
      .min(1, 'name at least one notification')
      .max(MARK_READ_MAX_IDS, `at most ${MARK_READ_MAX_IDS} ids at once`)
      .optional(),
    all: z.literal(true).optional(),
  })
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), 'send either ids or all: true');
export type MarkNotificationsReadRequest = z.infer<typeof markNotificationsReadRequestSchema>;

export const markNotificationsReadResponseSchema = z.object({ unread: z.number().int().nonnegative() });
export type MarkNotificationsReadResponse = z.infer<typeof markNotificationsReadResponseSchema>;
