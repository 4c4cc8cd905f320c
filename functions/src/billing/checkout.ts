import type { Request, Response } from 'express';
import Stripe from 'stripe';
import { accountFor, type AccountAccess } from '../accounts/access.js';
import { userDocSchema } from '../accounts/profile.js';
import { ApiError } from '../http/api-error.js';
import type { AuthedUser } from '../http/auth.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { USERS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { checkoutRequestSchema, type RedirectResponse } from '../shared/contracts.js';
import { PLANS, type PaidPlanTier } from '../shared/plans.js';
import { checkoutConfig, overagePriceIds } from './config.js';
import { ACCOUNT_METADATA_KEY, ensureStripeCustomer, type CustomerOwner } from './customer.js';
import { readBillingState } from './read-billing-state.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';

/** Where Stripe sends the browser back; `{CHECKOUT_SESSION_ID}` is filled in by Stripe. */
export function checkoutReturnUrls(appUrl: string): { success_url: string; cancel_url: string } {
  const billing = `${appUrl}/dashboard/billing`;
  return {
    success_url: `${billing}?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${billing}?checkout=canceled`,
  };
}

/**
 * Only the newest Checkout can be paid: an older one left open in another tab would otherwise
 * start a second subscription.
 */
async function expireOpenSessions(stripe: Stripe, customerId: string): Promise<void> {
  for await (const session of stripe.checkout.sessions.list({
    customer: customerId,
    status: 'open',
    limit: 100,
  })) {
    try {
      await stripe.checkout.sessions.expire(session.id);
    } catch (error) {
      // Completed or expired in the meantime: nothing left to close.
      if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) throw error;
    }
  }
}

function alreadyOnPlan(plan: PaidPlanTier): ApiError {
  return new ApiError('already_on_plan', `This account is already on the ${PLANS[plan].name} plan.`);
}

/**
 * Who the account's customer is at Stripe: a personal account is its user (their email and
 * name, as before accounts); a team is its name, reached at the email of whoever set billing up.
 */
export async function customerOwner(user: AuthedUser, account: AccountAccess): Promise<CustomerOwner> {
  const profile = userDocSchema.safeParse((await db().collection(USERS).doc(user.uid).get()).data());
  const email = (profile.success ? profile.data.email : null) ?? user.email;
  const name =
    account.doc.kind === 'personal'
      ? ((profile.success ? profile.data.display_name : null) ?? user.name)
      : account.doc.name;
  return { accountId: account.id, email, name };
}

/**
 * POST /billing/checkout {plan}: a Checkout Session (subscription mode) for the account's own
 * customer; answers `{url}` to redirect to.
 *
 * Checkout only ever starts a first subscription. An account that already pays for a plan
 * switches plans with `POST /billing/plan` (409 `already_subscribed`), which changes the
 * existing subscription; a second Checkout would bill it for two plans at once. Stripe is asked,
 * not only Firestore, so a subscription whose webhook is still on its way counts too.
 */
export const createCheckout = billingRoute('POST /billing/checkout', async (_req: Request, res: Response) => {
  const user = userOf(res);
  const account = accountFor(res, 'manage_billing');
  const { plan } = bodyOf(res, checkoutRequestSchema);
  const config = checkoutConfig();
  const overagePrices = overagePriceIds('dashboardApi');
  if (account.doc.plan_tier === plan) throw alreadyOnPlan(plan);

  const stripe = stripeClient(config);
  const known = account.doc.stripe_customer_id;
  const { customerId, isNew } =
    known === undefined
      ? await ensureStripeCustomer(stripe, await customerOwner(user, account), undefined)
      : { customerId: known, isNew: false };
  if (!isNew) {
    const { state } = await readBillingState(stripe, customerId, config.prices);
    if (state.plan_tier === plan) throw alreadyOnPlan(plan);
    if (state.plan_tier !== 'free') {
      throw new ApiError(
        'already_subscribed',
        `This account already has a ${PLANS[state.plan_tier].name} subscription. Switch plans on the Billing page instead.`,
      );
    }
  }

  if (!isNew) await expireOpenSessions(stripe, customerId);

  const metadata = { [ACCOUNT_METADATA_KEY]: account.id, plan_tier: plan };
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customerId,
    client_reference_id: account.id,
    // The metered overage price rides on every subscription (a metered item takes no quantity),
    // so overage, once the holder allows it, is billed with the plan without changing it.
    line_items: [{ price: config.prices[plan], quantity: 1 }, { price: overagePrices[plan] }],
    metadata,
    subscription_data: { metadata },
    ...checkoutReturnUrls(config.appUrl),
  });
  if (session.url === null) throw new Error('Stripe returned a Checkout Session without a url');
  log.checkoutSessionCreated({ account_id: account.id, user_id: user.uid, plan, session_id: session.id });
  const body: RedirectResponse = { url: session.url };
  res.json(body);
});
