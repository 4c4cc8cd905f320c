import type { Request, Response } from 'express';
import type Stripe from 'stripe';
import { accountFor, type AccountAccess } from '../accounts/access.js';
import { requestSource } from '../accounts/audit-log.js';
import { accountRef, readAccountDoc, toAccountSummary } from '../accounts/account-doc.js';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { log } from '../lib/log.js';
import type { BillingAccountResponse } from '../shared/contracts.js';
import { checkoutConfig, type CheckoutConfig } from './config.js';
import { readBillingState } from './read-billing-state.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';
import { syncAccountState } from './sync-account.js';
import type { BillingState } from './billing-state.js';

export function noBillingAccount(): ApiError {
  return new ApiError(
    'no_billing_account',
    'This account has no billing account yet: it is created when it first upgrades.',
  );
}

/** The account's Stripe customer, or 400 `no_billing_account`. */
export function customerOf(account: AccountAccess): string {
  const customerId = account.doc.stripe_customer_id;
  if (customerId === undefined || customerId === '') throw noBillingAccount();
  return customerId;
}

/**
 * The subscription that gives the account its plan, as Stripe has it now (not as Firestore last
 * heard), or 409 `no_subscription`.
 */
export async function currentSubscription(
  stripe: Stripe,
  config: CheckoutConfig,
  customerId: string,
): Promise<BillingState & { stripe_subscription_id: string }> {
  const { state } = await readBillingState(stripe, customerId, config.prices);
  const id = state.stripe_subscription_id;
  if (state.plan_tier === 'free' || id === null) {
    throw new ApiError('no_subscription', 'This account has no paid subscription to change.');
  }
  return { ...state, stripe_subscription_id: id };
}

/** The account as the change left it, from Firestore after the sync wrote it. */
export async function accountAfter(account: AccountAccess): Promise<BillingAccountResponse> {
  const doc = readAccountDoc((await accountRef(account.id).get()).data());
  return { account: toAccountSummary(account.id, doc, account.role) };
}

/**
 * Cancel at period end, or undo it. Stripe changes first; then the account is moved to what
 * Stripe now says, as the webhook would, so the answer and the next `/me` already show it (the
 * webhook that follows finds nothing left to change). Asking for the state the subscription is
 * already in changes nothing and answers the account.
 */
function cancelAtPeriodEnd(route: string, cancel: boolean) {
  return billingRoute(route, async (req: Request, res: Response) => {
    const user = userOf(res);
    const account = accountFor(res, 'manage_billing');
    const config = checkoutConfig();
    const customerId = customerOf(account);
    const stripe = stripeClient(config);
    const subscription = await currentSubscription(stripe, config, customerId);
    if (subscription.cancel_at_period_end !== cancel) {
      await stripe.subscriptions.update(subscription.stripe_subscription_id, {
        cancel_at_period_end: cancel,
      });
      log.subscriptionChanged({
        account_id: account.id,
        user_id: user.uid,
        subscription_id: subscription.stripe_subscription_id,
        cancel_at_period_end: cancel,
      });
    }
    await syncAccountState(stripe, config.prices, account.id, customerId, requestSource(req, res));
    res.json(await accountAfter(account));
  });
}

/** POST /billing/cancel: the plan ends at the end of the paid period (no refund, no proration). */
export const cancelSubscription = cancelAtPeriodEnd('POST /billing/cancel', true);
/** POST /billing/resume: a subscription set to end renews again. */
export const resumeSubscription = cancelAtPeriodEnd('POST /billing/resume', false);
