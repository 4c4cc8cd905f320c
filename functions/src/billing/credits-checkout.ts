import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { log } from '../lib/log.js';
import { creditsCheckoutRequestSchema, type RedirectResponse } from '../shared/contracts.js';
import { CREDIT_PACKS } from '../shared/credit-packs.js';
import { customerOwner } from './checkout.js';
import { checkoutConfig, creditPackPrices } from './config.js';
import { ACCOUNT_METADATA_KEY, ensureStripeCustomer } from './customer.js';
import { stripeClient } from './stripe-client.js';
import { billingRoute } from './stripe-outage.js';

/** Where Checkout sends the browser back after a credit pack. */
export function creditsReturnUrls(appUrl: string): { success_url: string; cancel_url: string } {
  const billing = `${appUrl}/dashboard/billing`;
  return {
    success_url: `${billing}?credits=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${billing}?credits=canceled`,
  };
}

/**
 * POST /billing/credits/checkout {pack}: a Checkout Session in payment mode for one credit pack,
 * for the account's own customer; `{url}`. Any account may buy credits, Free ones included: they
 * are spent after the plan's included units. The units are credited by the webhook once Stripe
 * says the session is paid (credit-purchase.ts), from the price sold, not from this metadata,
 * which is there for people reading the payment in Stripe.
 */
export const createCreditsCheckout = billingRoute(
  'POST /billing/credits/checkout',
  async (_req: Request, res: Response) => {
    const user = userOf(res);
    const account = accountFor(res, 'manage_billing');
    const { pack } = bodyOf(res, creditsCheckoutRequestSchema);
    const config = checkoutConfig();
    const prices = creditPackPrices('dashboardApi');
    const stripe = stripeClient(config);
    const { customerId } = await ensureStripeCustomer(
      stripe,
      await customerOwner(user, account),
      account.doc.stripe_customer_id,
    );
    const metadata = {
      [ACCOUNT_METADATA_KEY]: account.id,
      pack,
      credit_units: String(CREDIT_PACKS[pack].units),
    };
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customerId,
      client_reference_id: account.id,
      line_items: [{ price: prices[pack], quantity: 1 }],
      metadata,
      payment_intent_data: { metadata, description: `Keymeter ${CREDIT_PACKS[pack].label}` },
      ...creditsReturnUrls(config.appUrl),
    });
    if (session.url === null) throw new Error('Stripe returned a Checkout Session without a url');
    log.creditsCheckoutCreated({ account_id: account.id, user_id: user.uid, pack, session_id: session.id });
    const body: RedirectResponse = { url: session.url };
    res.json(body);
  },
);
