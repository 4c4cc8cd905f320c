import Stripe from 'stripe';
import { log } from '../lib/log.js';
import { checkoutConfig } from './config.js';
import { stripeClient } from './stripe-client.js';
import { billingUnavailable, isStripeOutage } from './stripe-outage.js';

/**
 * Deletes the account's Stripe customer, which ends its subscriptions at once: a deleted account
 * must not be charged again. Without a working Stripe configuration this throws the 503
 * `unavailable` error, so account deletion stops before anything is deleted and can be retried.
 */
export async function closeBillingAccount(accountId: string, customerId: string | undefined): Promise<void> {
  if (customerId === undefined || customerId === '') return;
  const config = checkoutConfig();
  try {
    await stripeClient(config).customers.del(customerId);
  } catch (error) {
    if (isStripeOutage(error)) {
      log.stripeUnavailable({ route: 'DELETE /me' }, error);
      throw billingUnavailable();
    }
    // Deleted before (a repeated account deletion, or by hand in Stripe): nothing left to close.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing')) {
      throw error;
    }
  }
  log.stripeCustomerDeleted({ account_id: accountId, customer_id: customerId });
}
