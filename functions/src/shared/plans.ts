import { z } from 'zod';

export const PLAN_TIERS = ['free', 'pro', 'enterprise'] as const;
export const planTierSchema = z.enum(PLAN_TIERS);
export type PlanTier = z.infer<typeof planTierSchema>;

/** Plans a user can buy through Checkout; Free is what everyone has without paying. */
export const PAID_PLAN_TIERS = ['pro', 'enterprise'] as const;
export const paidPlanTierSchema = z.enum(PAID_PLAN_TIERS);
export type PaidPlanTier = z.infer<typeof paidPlanTierSchema>;

/**
 * Meters of a named kind of unit, beside the account's units: an endpoint that declares one
 * (`withApiKey({ meter })`) counts its units there too, and a plan may limit each, monthly and
 * per minute (as LLM APIs limit requests per minute and tokens per month).
 */
export const METERS = ['emails_verified'] as const;
export const meterNameSchema = z.enum(METERS);
export type MeterName = z.infer<typeof meterNameSchema>;

export const METER_LABELS: Readonly<Record<MeterName, string>> = { emails_verified: 'Emails verified' };

export interface MeterLimit {
  monthly: number;
  /** Units of the meter per UTC minute; null: none. */
  per_minute: number | null;
}

export interface Plan {
  tier: PlanTier;
  name: string;
  /** Units per calendar month (UTC), per account: all of its keys share them. A call is 1 unit. */
  monthly_limit: number;
  /** Calls per minute (UTC-aligned minutes), per account, shared by its keys. */
  per_minute_limit: number;
  /** Price in US cents per month; what Stripe charges is authoritative. */
  price_cents_per_month: number;
  /**
   * Price of 1,000 units beyond the included ones, for an account that allows overage (billed
   * through a Stripe metered price); null: the plan has no overage, calls stop at the quota.
   */
  overage_cents_per_1000: number | null;
  /** Limits of named meters; a meter the plan does not name is not limited. */
  meters: Readonly<Partial<Record<MeterName, MeterLimit>>>;
  /** Members a team account on this plan may have, the owner included (a personal account has one). */
  seats: number;
  /** Days an audit log entry is kept (the `expire_at` TTL of `audit_log`). */
  audit_retention_days: number;
  features: readonly string[];
}

/** The one plan table: functions enforce it, the dashboard shows it. */
export const PLANS: Readonly<Record<PlanTier, Plan>> = {
  free: {
    tier: 'free',
    name: 'Free',
    monthly_limit: 1_000,
    per_minute_limit: 10,
    price_cents_per_month: 0,
    overage_cents_per_1000: null,
    meters: { emails_verified: { monthly: 200, per_minute: null } },
    seats: 3,
    audit_retention_days: 30,
    features: ['1,000 units per month', '10 calls per minute', '3 team seats', 'Community support'],
  },
  pro: {
    tier: 'pro',
    name: 'Pro',
    monthly_limit: 100_000,
    per_minute_limit: 600,
    price_cents_per_month: 2_900,
    overage_cents_per_1000: 50,
    meters: { emails_verified: { monthly: 20_000, per_minute: 2_000 } },
    seats: 10,
    audit_retention_days: 90,
    features: ['100,000 units per month', '600 calls per minute', '10 team seats', 'Email support'],
  },
  enterprise: {
    tier: 'enterprise',
    name: 'Enterprise',
    monthly_limit: 5_000_000,
    per_minute_limit: 6_000,
    price_cents_per_month: 49_900,
    overage_cents_per_1000: 20,
    meters: { emails_verified: { monthly: 1_000_000, per_minute: null } },
    seats: 50,
    audit_retention_days: 365,
    features: ['5,000,000 units per month', '6,000 calls per minute', '50 team seats', 'Priority support'],
  },
};

export interface AccountLimits {
  monthly: number;
  per_minute: number;
}

/** An account's limits: its plan's, unless an operator set overrides on the account. */
export function accountLimits(tier: PlanTier, overrides?: Partial<AccountLimits>): AccountLimits {
  const plan = PLANS[tier];
  return {
    monthly: overrides?.monthly ?? plan.monthly_limit,
    per_minute: overrides?.per_minute ?? plan.per_minute_limit,
  };
}

/** What an account holder chose for calls beyond the included units (Billing page). */
export const OVERAGE_MODES = ['stop', 'allow'] as const;
export const overageModeSchema = z.enum(OVERAGE_MODES);
export type OverageMode = z.infer<typeof overageModeSchema>;

/**
 * What an account's calls may spend in a month: its included units and per-minute rate, then
 * its prepaid credits, then overage (when allowed, up to the units the spend cap buys).
 */
export interface Allowance {
  limits: AccountLimits;
  /** Credits ever granted, less negative adjustments: what leases of credits never pass. */
  creditsGranted: number;
  overage: { allowed: boolean; capUnits: number | null };
}

/** Overage units a spend cap (in cents) buys at the plan's price: whole units, rounded down. */
export function overageUnitsFor(tier: PlanTier, capCents: number): number {
  const price = PLANS[tier].overage_cents_per_1000;
  return price === null ? 0 : Math.floor((capCents * 1_000) / price);
}

/** What overage units cost at the plan's price, in cents, rounded up to the cent. */
export function overageCents(tier: PlanTier, units: number): number {
  const price = PLANS[tier].overage_cents_per_1000;
  return price === null ? 0 : Math.ceil((units * price) / 1_000);
}

/** A meter's limit on an account: an operator's override, else the plan's; null: not limited. */
export function meterLimit(
  tier: PlanTier,
  meter: MeterName,
  overrides?: Partial<Record<MeterName, Partial<MeterLimit>>>,
): MeterLimit | null {
  const plan = PLANS[tier].meters[meter];
  const override = overrides?.[meter];
  if (plan === undefined && override?.monthly === undefined) return null;
  return {
    monthly: override?.monthly ?? plan?.monthly ?? Number.MAX_SAFE_INTEGER,
    per_minute: override?.per_minute !== undefined ? override.per_minute : (plan?.per_minute ?? null),
  };
}
