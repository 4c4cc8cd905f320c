import type Stripe from 'stripe';
import { log } from '../lib/log.js';
import { deriveBillingState, type DerivedState } from './billing-state.js';
import type { PriceIds } from './config.js';

/** The customer's billing state as Stripe has it now: every subscription, ended ones included. */
export async function readBillingState(
  stripe: Stripe,
  customerId: string,
  prices: PriceIds,
): Promise<DerivedState> {
  const subscriptions: Stripe.Subscription[] = [];
  for await (const subscription of stripe.subscriptions.list({
    customer: customerId,
    status: 'all',
    limit: 100,
  })) {
    subscriptions.push(subscription);
  }
  const derived = deriveBillingState(subscriptions, prices);
  if (derived.unmapped.length > 0) {
    log.stripePriceUnmapped({ customer_id: customerId, subscription_ids: derived.unmapped });
  }
  return derived;
}
