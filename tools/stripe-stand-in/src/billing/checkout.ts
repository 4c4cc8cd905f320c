import { invalidRequest, resourceMissing } from '../api/errors.js';
import type { Core } from '../core.js';
import { newCheckoutSessionId, newId } from '../ids.js';
import { formatPrice } from '../money.js';
import type { CheckoutLineItem, CheckoutSession, Customer, Metadata, Price } from '../objects.js';
import type { CheckoutSessionRecord, PaymentOutcome } from '../state.js';
import { createCustomer } from './customers.js';
import { createPaidSubscription } from './subscriptions.js';

export interface NewCheckoutSession {
  customer: Customer | null;
  customerEmail: string | null;
  lineItems: readonly { price: Price; quantity: number }[];
  clientReferenceId: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Metadata;
  subscriptionData: { metadata: Metadata; trialPeriodDays: number | null; description: string | null };
  allowPromotionCodes: boolean | null;
  expiresAt: number | null;
}

export const CHECKOUT_SESSION_ID_TEMPLATE = '{CHECKOUT_SESSION_ID}';

export function getCheckoutSession(core: Core, id: string, param = 'session'): CheckoutSessionRecord {
  const record = core.state.checkoutSessions.get(id);
  if (record === undefined) throw resourceMissing('checkout.session', id, param);
  return record;
}

export function createCheckoutSession(core: Core, input: NewCheckoutSession): CheckoutSession {
  const now = core.clock.now();
  const id = newCheckoutSessionId();
  const lineItems: CheckoutLineItem[] = input.lineItems.map(({ price, quantity }) => {
    const amount = price.unit_amount * quantity;
    return {
      id: newId('li'),
      object: 'item',
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: core.state.products.get(price.product)?.name ?? formatPrice(price),
      price: structuredClone(price),
      quantity,
    };
  });
  const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const session: CheckoutSession = {
    id,
    object: 'checkout.session',
    allow_promotion_codes: input.allowPromotionCodes,
    amount_subtotal: total,
    amount_total: total,
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    created: now,
    currency: lineItems[0]?.currency ?? 'usd',
    customer: input.customer?.id ?? null,
    customer_creation: input.customer === null ? 'always' : null,
    customer_details: input.customer === null ? null : detailsOf(input.customer.email, input.customer.name),
    customer_email: input.customerEmail,
    expires_at: input.expiresAt ?? now + core.config.checkoutSessionTtlSeconds,
    invoice: null,
    livemode: false,
    locale: null,
    metadata: { ...input.metadata },
    mode: 'subscription',
    payment_intent: null,
    payment_link: null,
    payment_method_collection: 'always',
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${core.config.publicUrl}/checkout/${id}`,
  };
  core.state.checkoutSessions.set(id, {
    session,
    line_items: lineItems,
    subscription_data: {
      metadata: { ...input.subscriptionData.metadata },
      trial_period_days: input.subscriptionData.trialPeriodDays,
      description: input.subscriptionData.description,
    },
  });
  return session;
}

function detailsOf(
  email: string | null,
  name: string | null,
): NonNullable<CheckoutSession['customer_details']> {
  return { address: null, email, name, phone: null, tax_exempt: 'none', tax_ids: [] };
}

export function expireCheckoutSession(core: Core, record: CheckoutSessionRecord): CheckoutSession {
  const { session } = record;
  if (session.status !== 'open') {
    throw invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired.`, 'session');
  }
  session.status = 'expired';
  session.url = null;
  core.events.emit('checkout.session.expired', session);
  return session;
}

export interface CheckoutPayment {
  /** Whether the subscription's later charges (renewals, retries) will succeed. */
  renewals: PaymentOutcome;
  /** The email typed on the page when the session has neither a customer nor an email. */
  email: string | null;
}

/**
 * What happens when the person on the hosted page pays: the customer (created if the session
 * had none), the subscription and its paid first invoice, then `checkout.session.completed`.
 */
export function completeCheckoutSession(
  core: Core,
  record: CheckoutSessionRecord,
  payment: CheckoutPayment,
): CheckoutSession {
  const { session } = record;
  if (session.status !== 'open') throw invalidRequest(`This Checkout Session is ${session.status}.`);
  let customer: Customer;
  if (session.customer === null) {
    customer = createCustomer(core, { email: session.customer_email ?? payment.email });
  } else {
    const existing = core.state.liveCustomer(session.customer);
    if (existing === undefined) throw resourceMissing('customer', session.customer, 'customer');
    customer = existing;
  }
  const { subscription, invoice } = createPaidSubscription(core, {
    customer,
    items: record.line_items.map((item) => ({ price: item.price, quantity: item.quantity })),
    metadata: record.subscription_data.metadata,
    description: record.subscription_data.description,
    trialPeriodDays: record.subscription_data.trial_period_days,
    renewals: payment.renewals,
  });
  session.status = 'complete';
  session.payment_status = invoice.amount_due === 0 ? 'no_payment_required' : 'paid';
  session.customer = customer.id;
  session.customer_details = detailsOf(customer.email, customer.name);
  session.subscription = subscription.id;
  session.invoice = invoice.id;
  session.url = null;
  core.events.emit('checkout.session.completed', session);
  return session;
}

/** Where the browser goes after paying: `success_url` with the session id filled in. */
export function successRedirect(session: CheckoutSession): string | null {
  return session.success_url === null
    ? null
    : session.success_url.replaceAll(CHECKOUT_SESSION_ID_TEMPLATE, session.id);
}
