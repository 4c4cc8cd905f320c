import type { Request, Response } from 'express';
import { userOf } from '../http/auth.js';
import { ApiError } from '../http/api-error.js';
import { expectNoBody, expectNoQuery } from '../http/empty-input.js';
import { db } from '../lib/firebase.js';
import { USERS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import type { RedirectResponse } from '../shared/contracts.js';
import { checkoutConfig } from './config.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';

export function portalReturnUrl(appUrl: string): string {
  return `${appUrl}/dashboard/billing`;
}

/** POST /billing/portal: a Customer Portal session for the account's own customer; `{url}`. */
export const createPortal = billingRoute('POST /billing/portal', async (req: Request, res: Response) => {
  const user = userOf(res);
  expectNoQuery(req);
  await expectNoBody(req);
  const config = checkoutConfig();
  const profile = await db().collection(USERS).doc(user.uid).get();
  const customerId: unknown = profile.get('stripe_customer_id');
  if (typeof customerId !== 'string' || customerId === '') {
    throw new ApiError(
      'no_billing_account',
      'You have no billing account yet: it is created when you first upgrade.',
    );
  }
  const session = await stripeClient(config).billingPortal.sessions.create({
    customer: customerId,
    return_url: portalReturnUrl(config.appUrl),
  });
  log.portalSessionCreated({ user_id: user.uid });
  const body: RedirectResponse = { url: session.url };
  res.json(body);
});
