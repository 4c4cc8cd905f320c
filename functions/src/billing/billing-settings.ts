import { FieldValue } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { accountRef, readAccountDoc } from '../accounts/account-doc.js';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { billingSettingsRequestSchema } from '../shared/contracts.js';
import { PLANS, type PlanTier } from '../shared/plans.js';
import { checkoutConfig, overagePriceIds } from './config.js';
import { ensureOverageItem } from './overage-item.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';
import { accountAfter, currentSubscription, customerOf } from './subscription-actions.js';

function overageUnavailable(tier: PlanTier): ApiError {
  return new ApiError(
    'invalid_request',
    `The ${PLANS[tier].name} plan has no overage: calls stop at its included units. Upgrade to a paid plan to allow overage, or buy credits.`,
    'overage',
  );
}

/**
 * PUT /billing/settings {overage, spend_cap_cents}: what the account's calls do beyond the
 * included units (and the prepaid credits): stop, or go on as overage billed per 1,000 units up
 * to an optional monthly cap. Allowing overage needs a paid plan with an overage price and its
 * live subscription, which is given the plan's metered price first if it lacks it, so nothing
 * is allowed that could not be billed. The API reads the settings with its next lease of budget.
 */
export const putBillingSettings = billingRoute(
  'PUT /billing/settings',
  async (req: Request, res: Response) => {
    const user = userOf(res);
    const account = accountFor(res, 'manage_billing');
    const settings = bodyOf(res, billingSettingsRequestSchema);
    const source = requestSource(req, res);
    const plan = account.doc.plan_tier;

    if (settings.overage === 'allow') {
      if (plan === 'free' || PLANS[plan].overage_cents_per_1000 === null) throw overageUnavailable(plan);
      const config = checkoutConfig();
      const overage = overagePriceIds('dashboardApi');
      const customerId = customerOf(account);
      const stripe = stripeClient(config);
      const subscription = await currentSubscription(stripe, config, customerId);
      if (subscription.plan_tier === 'free') throw overageUnavailable(subscription.plan_tier);
      await ensureOverageItem(
        stripe,
        account.id,
        subscription.stripe_subscription_id,
        subscription.plan_tier,
        overage,
      );
    }

    const ref = accountRef(account.id);
    await db().runTransaction(async (tx) => {
      const now = readAccountDoc((await tx.get(ref)).data());
      // The plan may have ended between the check above and this write.
      if (settings.overage === 'allow' && PLANS[now.plan_tier].overage_cents_per_1000 === null)
        throw overageUnavailable(now.plan_tier);
      tx.update(ref, {
        billing_settings: { overage: settings.overage, spend_cap_cents: settings.spend_cap_cents },
        updated_at: FieldValue.serverTimestamp(),
      });
      recordAudit(tx, { id: account.id, plan_tier: now.plan_tier }, source, {
        action: 'billing.settings_changed',
        target: { type: 'account', id: account.id },
        details: { overage: settings.overage, spend_cap_cents: settings.spend_cap_cents },
      });
    });
    log.billingSettingsUpdated({
      account_id: account.id,
      user_id: user.uid,
      overage: settings.overage,
      spend_cap_cents: settings.spend_cap_cents,
    });
    res.json(await accountAfter(account));
  },
);
