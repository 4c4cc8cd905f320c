/**
 * What a customer's Stripe subscriptions entitle them to. Pure: the webhook lists the customer's
 * subscriptions as they are now and derives the plan from them, so the order and number of
 * webhook deliveries never decide the outcome.
 */
import { subscriptionStatusSchema, type SubscriptionStatus } from '../shared/contracts.js';
import { PLAN_TIERS, paidPlanTierSchema, type PaidPlanTier, type PlanTier } from '../shared/plans.js';
import type { PriceIds } from './config.js';

/** The billing fields of `accounts/{account_id}`. */
export interface BillingState {
  plan_tier: PlanTier;
  subscription_status: SubscriptionStatus | null;
  stripe_subscription_id: string | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
}

export const NO_SUBSCRIPTION: BillingState = {
  plan_tier: 'free',
  subscription_status: null,
  stripe_subscription_id: null,
  current_period_end: null,
  cancel_at_period_end: false,
};

/**
 * Statuses in which the customer keeps the plan. `past_due` keeps it while Stripe retries the
 * payment; the subscription then either recovers or ends (`customer.subscription.deleted`).
 * `unpaid`, `incomplete` and `paused` mean Stripe holds no payment for the period: no plan.
 */
const ENTITLED: ReadonlySet<string> = new Set<SubscriptionStatus>(['active', 'trialing', 'past_due']);

function knownStatus(status: string): SubscriptionStatus | null {
  const parsed = subscriptionStatusSchema.safeParse(status);
  return parsed.success ? parsed.data : null;
}

/** The fields of a Stripe price this module reads (a `Stripe.Price` satisfies it). */
export interface PriceLike {
  id: string;
  metadata?: Readonly<Record<string, string>> | null;
  recurring?: { usage_type?: string } | null;
}

/** The fields of a Stripe subscription this module reads (a `Stripe.Subscription` satisfies it). */
export interface SubscriptionLike {
  id: string;
  /** Stripe may add statuses; one this code does not know never entitles to a plan. */
  status: string;
  created: number;
  cancel_at_period_end: boolean;
  cancel_at: number | null;
  items: { data: readonly { price: PriceLike; current_period_end: number }[] };
}

/**
 * The plan a price sells: the configured Pro and Enterprise price ids first; otherwise the
 * price's `metadata.plan_tier`, so a price added later in Stripe (a yearly Pro, a new amount)
 * works once it is tagged, without a deploy. `null`: not a Keymeter plan.
 */
export function planForPrice(price: PriceLike, prices: PriceIds): PaidPlanTier | null {
  // A plan's metered overage price is tagged with its plan too, but it bills usage, not the plan.
  if (price.recurring?.usage_type === 'metered') return null;
  if (price.id === prices.pro) return 'pro';
  if (price.id === prices.enterprise) return 'enterprise';
  const tagged = paidPlanTierSchema.safeParse(price.metadata?.plan_tier);
  return tagged.success ? tagged.data : null;
}

const rank = (tier: PlanTier): number => PLAN_TIERS.indexOf(tier);

/** The best plan among the subscription's items, with that item's period end (unix seconds). */
export function planOfSubscription(
  subscription: SubscriptionLike,
  prices: PriceIds,
): { plan: PaidPlanTier; periodEnd: number } | null {
  let best: { plan: PaidPlanTier; periodEnd: number } | null = null;
  for (const item of subscription.items.data) {
    const plan = planForPrice(item.price, prices);
    if (plan !== null && (best === null || rank(plan) > rank(best.plan))) {
      best = { plan, periodEnd: item.current_period_end };
    }
  }
  return best;
}

export interface DerivedState {
  state: BillingState;
  /** Subscriptions of the customer that sell no Keymeter plan (ignored, worth a log line). */
  unmapped: string[];
}

/**
 * The customer's effective billing state. Among the subscriptions that sell a Keymeter plan, an
 * entitling one wins (the higher plan, then the newest); without one the account is on Free and
 * shows the newest subscription's status (e.g. `canceled`), or none at all.
 */
export function deriveBillingState(
  subscriptions: readonly SubscriptionLike[],
  prices: PriceIds,
): DerivedState {
  const unmapped: string[] = [];
  const candidates: { subscription: SubscriptionLike; plan: PaidPlanTier; periodEnd: number }[] = [];
  for (const subscription of subscriptions) {
    const planned = planOfSubscription(subscription, prices);
    if (planned === null) unmapped.push(subscription.id);
    else candidates.push({ subscription, ...planned });
  }
  candidates.sort(
    (a, b) =>
      Number(ENTITLED.has(b.subscription.status)) - Number(ENTITLED.has(a.subscription.status)) ||
      rank(b.plan) - rank(a.plan) ||
      b.subscription.created - a.subscription.created ||
      (a.subscription.id < b.subscription.id ? 1 : -1),
  );
  const chosen = candidates[0];
  if (chosen === undefined) return { state: NO_SUBSCRIPTION, unmapped };
  const { subscription, plan, periodEnd } = chosen;
  if (!ENTITLED.has(subscription.status)) {
    return {
      state: {
        ...NO_SUBSCRIPTION,
        subscription_status: knownStatus(subscription.status),
        stripe_subscription_id: subscription.id,
      },
      unmapped,
    };
  }
  const endsAtPeriodEnd =
    subscription.cancel_at_period_end ||
    (subscription.cancel_at !== null && subscription.cancel_at <= periodEnd);
  return {
    state: {
      plan_tier: plan,
      subscription_status: knownStatus(subscription.status),
      stripe_subscription_id: subscription.id,
      current_period_end: new Date(periodEnd * 1000),
      cancel_at_period_end: endsAtPeriodEnd,
    },
    unmapped,
  };
}
