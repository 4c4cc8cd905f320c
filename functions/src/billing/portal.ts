import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { userOf } from '../http/auth.js';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';
import type { RedirectResponse } from '../shared/contracts.js';
import { checkoutConfig } from './config.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';

export function portalReturnUrl(appUrl: string): string {
  return `${appUrl}/dashboard/billing`;
}

/** POST /billing/portal: a Customer Portal session for the account's own customer; `{url}`. */
export const createPortal = billingRoute('POST /billing/portal', async (_req: Request, res: Response) => {
  const user = userOf(res);
  const account = accountFor(res, 'manage_billing');
  const config = checkoutConfig();
  const customerId = account.doc.stripe_customer_id;
  if (customerId === undefined || customerId === '') {
    throw new ApiError(
      'no_billing_account',
      'This account has no billing account yet: it is created when it first upgrades.',
    );
  }
  const session = await stripeClient(config).billingPortal.sessions.create({
    customer: customerId,
    return_url: portalReturnUrl(config.appUrl),
  });
  log.portalSessionCreated({ account_id: account.id, user_id: user.uid });
  const body: RedirectResponse = { url: session.url };
  res.json(body);
});
