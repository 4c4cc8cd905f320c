import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { requestSource } from '../accounts/audit-log.js';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { log } from '../lib/log.js';
import { changePlanRequestSchema } from '../shared/contracts.js';
import { PLANS } from '../shared/plans.js';
import { planForPrice } from './billing-state.js';
import { checkoutConfig, overagePriceIds } from './config.js';
import { overageItemChange } from './overage-item.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';
import { accountAfter, currentSubscription, customerOf } from './subscription-actions.js';
import { syncAccountState } from './sync-account.js';

/**
 * POST /billing/plan {plan}: moves a paying account's subscription to the other paid plan. The
 * Customer Portal cannot do it once the subscription also carries the metered overage price
 * (Stripe's portal does not change subscriptions of several items), so Keymeter changes both
 * items itself: the plan's price, and the overage price to the new plan's, in one update.
 * Stripe prorates as it does by default; the account moves as the webhook sync would.
 */
export const changePlan = billingRoute('POST /billing/plan', async (req: Request, res: Response) => {
  const user = userOf(res);
  const account = accountFor(res, 'manage_billing');
  const { plan } = bodyOf(res, changePlanRequestSchema);
  const config = checkoutConfig();
  const overage = overagePriceIds('dashboardApi');
  const customerId = customerOf(account);
  const stripe = stripeClient(config);
  const current = await currentSubscription(stripe, config, customerId);
  if (current.plan_tier === plan)
    throw new ApiError('already_on_plan', `This account is already on the ${PLANS[plan].name} plan.`);

  const subscription = await stripe.subscriptions.retrieve(current.stripe_subscription_id);
  const base = subscription.items.data.find((item) => planForPrice(item.price, config.prices) !== null);
  if (base === undefined) throw new Error(`subscription ${subscription.id} sells no Keymeter plan`);
  const overageChange = overageItemChange(subscription.items.data, plan, overage);
  await stripe.subscriptions.update(subscription.id, {
    items: [{ id: base.id, price: config.prices[plan] }, ...(overageChange === null ? [] : [overageChange])],
  });
  log.planChanged({
    account_id: account.id,
    user_id: user.uid,
    subscription_id: subscription.id,
    from: current.plan_tier,
    to: plan,
  });
  await syncAccountState(stripe, config.prices, account.id, customerId, requestSource(req, res));
  res.json(await accountAfter(account));
});
