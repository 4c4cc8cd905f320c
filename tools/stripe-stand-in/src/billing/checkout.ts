import { invalidRequest, resourceMissing } from '../api/errors.js';
import type { Core } from '../core.js';
import { newCheckoutSessionId, newId } from '../ids.js';
import { amountFor, formatPrice } from '../money.js';
import type {
  CheckoutCustomerDetails,
  CheckoutLineItem,
  CheckoutMode,
  CheckoutSession,
  Customer,
  Metadata,
  Price,
} from '../objects.js';
import type { CheckoutSessionRecord, PaymentOutcome } from '../state.js';
import { createCustomer } from './customers.js';
import { createSucceededPaymentIntent } from './payment-intents.js';
import { createPaidSubscription } from './subscriptions.js';

export interface NewCheckoutSession {
  mode: CheckoutMode;
  customer: Customer | null;
  customerEmail: string | null;
  /** `quantity` is `null` for a metered price, whose amount is known only from usage. */
  lineItems: readonly { price: Price; quantity: number | null }[];
  clientReferenceId: string | null;
  successUrl: string | null;
  cancelUrl: string | null;
  metadata: Metadata;
  subscriptionData: { metadata: Metadata; trialPeriodDays: number | null; description: string | null };
  paymentIntentData: { metadata: Metadata; description: string | null };
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
    const amount = quantity === null ? 0 : amountFor(price, quantity);
    return {
      id: newId('li'),
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: amount,
      amount_tax: 0,
      amount_total: amount,
      currency: price.currency,
      description: core.state.products.get(price.product)?.name ?? formatPrice(price),
      metadata: {},
      price: structuredClone(price),
      quantity,
    };
  });
  const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
  const payment = input.mode === 'payment';
  const session: CheckoutSession = {
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: input.allowPromotionCodes,
    allowed_payment_method_types: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency: lineItems[0]?.currency ?? 'usd',
    currency_conversion: null,
    custom_fields: [],
    custom_text: {
      after_submit: null,
      shipping_address: null,
      submit: null,
      terms_of_service_acceptance: null,
    },
    customer: input.customer?.id ?? null,
    customer_account: null,
    // A subscription needs a customer; a one-time payment makes one only when asked to.
    customer_creation: input.customer !== null ? null : payment ? 'if_required' : 'always',
    customer_details: input.customer === null ? null : detailsOf(input.customer.email, input.customer.name),
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: input.expiresAt ?? now + core.config.checkoutSessionTtlSeconds,
    integration_identifier: null,
    invoice: null,
    invoice_creation: payment
      ? {
          enabled: false,
          invoice_data: {
            account_tax_ids: null,
            custom_fields: null,
            description: null,
            footer: null,
            issuer: null,
            metadata: {},
            rendering_options: null,
          },
        }
      : null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: { ...input.metadata },
    mode: input.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: payment ? null : 'always',
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted_page',
    url: `${core.config.publicUrl}/checkout/${id}`,
    wallet_options: null,
  };
  core.state.checkoutSessions.set(id, {
    session,
    line_items: lineItems,
    subscription_data: {
      metadata: { ...input.subscriptionData.metadata },
      trial_period_days: input.subscriptionData.trialPeriodDays,
      description: input.subscriptionData.description,
    },
    payment_intent_data: {
      metadata: { ...input.paymentIntentData.metadata },
      description: input.paymentIntentData.description,
    },
  });
  return session;
}

function detailsOf(email: string | null, name: string | null): CheckoutCustomerDetails {
  return {
    address: null,
    business_name: null,
    email,
    individual_name: null,
    name,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
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
 * What happens when the person on the hosted page pays, ending with
 * `checkout.session.completed`. Subscription mode: the customer (created if the session had
 * none), the subscription and its paid first invoice. Payment mode: a succeeded payment intent
 * for the session's total, for the session's customer if it has one.
 */
export function completeCheckoutSession(
  core: Core,
  record: CheckoutSessionRecord,
  payment: CheckoutPayment,
): CheckoutSession {
  const { session } = record;
  if (session.status !== 'open') throw invalidRequest(`This Checkout Session is ${session.status}.`);
  if (session.mode === 'payment') return completePayment(core, record, payment);
  let customer: Customer;
  if (session.customer === null) {
    customer = createCustomer(core, { email: session.customer_email ?? payment.email });
  } else {
    customer = liveCustomerOf(core, session.customer);
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

function liveCustomerOf(core: Core, id: string): Customer {
  const existing = core.state.liveCustomer(id);
  if (existing === undefined) throw resourceMissing('customer', id, 'customer');
  return existing;
}

function completePayment(
  core: Core,
  record: CheckoutSessionRecord,
  payment: CheckoutPayment,
): CheckoutSession {
  const { session } = record;
  const customer = session.customer === null ? null : liveCustomerOf(core, session.customer);
  const email = customer?.email ?? session.customer_email ?? payment.email;
  if (session.amount_total > 0) {
    const intent = createSucceededPaymentIntent(core, {
      amount: session.amount_total,
      currency: session.currency,
      customer: customer?.id ?? null,
      description: record.payment_intent_data.description,
      receiptEmail: email,
      metadata: record.payment_intent_data.metadata,
    });
    session.payment_intent = intent.id;
  }
  session.status = 'complete';
  session.payment_status = session.amount_total === 0 ? 'no_payment_required' : 'paid';
  session.customer_details = detailsOf(email, customer?.name ?? null);
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
