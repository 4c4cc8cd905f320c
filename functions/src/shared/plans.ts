import { z } from 'zod';

export const PLAN_TIERS = ['free', 'pro', 'enterprise'] as const;
export const planTierSchema = z.enum(PLAN_TIERS);
export type PlanTier = z.infer<typeof planTierSchema>;

/** Plans a user can buy through Checkout; Free is what everyone has without paying. */
export const PAID_PLAN_TIERS = ['pro', 'enterprise'] as const;
export const paidPlanTierSchema = z.enum(PAID_PLAN_TIERS);
export type PaidPlanTier = z.infer<typeof paidPlanTierSchema>;

export interface Plan {
  tier: PlanTier;
  name: string;
  /** Units per calendar month (UTC), per account: all of its keys share them. A call is 1 unit. */
  monthly_limit: number;
  /** Calls per minute (UTC-aligned minutes), per account, shared by its keys. */
  per_minute_limit: number;
  /** Price in US cents per month; what Stripe charges is authoritative. */
  price_cents_per_month: number;
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
    features: ['1,000 units per month', '10 calls per minute', 'Community support'],
  },
  pro: {
    tier: 'pro',
    name: 'Pro',
    monthly_limit: 100_000,
    per_minute_limit: 600,
    price_cents_per_month: 2_900,
    features: ['100,000 units per month', '600 calls per minute', 'Email support'],
  },
  enterprise: {
    tier: 'enterprise',
    name: 'Enterprise',
    monthly_limit: 5_000_000,
    per_minute_limit: 6_000,
    price_cents_per_month: 49_900,
    features: ['5,000,000 units per month', '6,000 calls per minute', 'Priority support'],
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
