/**
 * The metered overage price on an account's subscription. Checkout adds it from the start;
 * a subscription made before overage existed, or one whose plan changed since, gets the right
 * one when its holder allows overage, so the meter's usage is billed at the plan's price.
 */
import type Stripe from 'stripe';
import { log } from '../lib/log.js';
import type { PaidPlanTier } from '../shared/plans.js';
import type { OveragePriceIds } from './config.js';

/** What to ask Stripe, if anything: add the plan's overage item, or move another overage item to it. */
export function overageItemChange(
  items: readonly { id: string; price: { id: string } }[],
  plan: PaidPlanTier,
  prices: OveragePriceIds,
): Stripe.SubscriptionUpdateParams.Item | null {
  const wanted = prices[plan];
  if (items.some((item) => item.price.id === wanted)) return null;
  const overagePrices = new Set<string>(Object.values(prices));
  const other = items.find((item) => overagePrices.has(item.price.id));
  return other === undefined ? { price: wanted } : { id: other.id, price: wanted };
}

export async function ensureOverageItem(
  stripe: Stripe,
  accountId: string,
  subscriptionId: string,
  plan: PaidPlanTier,
  prices: OveragePriceIds,
): Promise<void> {
  const subscription = await stripe.subscriptions.retrieve(subscriptionId);
  const change = overageItemChange(subscription.items.data, plan, prices);
  if (change === null) return;
  await stripe.subscriptions.update(
    subscriptionId,
    { items: [change], proration_behavior: 'none' },
    // Two saves at once must not add the item twice (Stripe refuses a second item of one price anyway).
    { idempotencyKey: `keymeter-overage-item-${subscriptionId}-${prices[plan]}-${change.id ?? 'new'}` },
  );
  log.overageItemAdded({ account_id: accountId, subscription_id: subscriptionId, price: prices[plan] });
}
