import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { controlPost, postForm, PRO_PRICE, useStandInWithReceiver } from './helpers.js';
import type { ObjectShapes } from './sdk-types.js';

const fixture = useStandInWithReceiver();

/** The fields of `T` that the SDK does not mark optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T] & string;

/**
 * The names of a type's required fields. The object must list every one of them and nothing
 * else, so the list cannot drift from the SDK's declarations: a field the SDK adds, or one it
 * makes optional, stops `npm run typecheck` here.
 */
function fieldsOf<T>(fields: { [K in RequiredKeys<T>]: true }): readonly string[] {
  return Object.keys(fields);
}

const CUSTOMER = fieldsOf<Stripe.Customer>({
  id: true,
  object: true,
  balance: true,
  created: true,
  default_source: true,
  description: true,
  email: true,
  invoice_settings: true,
  livemode: true,
  metadata: true,
  shipping: true,
});

const DELETED_CUSTOMER = fieldsOf<Stripe.DeletedCustomer>({
  id: true,
  object: true,
  deleted: true,
});

const PRODUCT = fieldsOf<Stripe.Product>({
  id: true,
  object: true,
  active: true,
  created: true,
  description: true,
  images: true,
  livemode: true,
  marketing_features: true,
  metadata: true,
  name: true,
  package_dimensions: true,
  shippable: true,
  tax_details: true,
  type: true,
  updated: true,
  url: true,
});

const PRICE = fieldsOf<Stripe.Price>({
  id: true,
  object: true,
  active: true,
  billing_scheme: true,
  created: true,
  currency: true,
  custom_unit_amount: true,
  livemode: true,
  lookup_key: true,
  metadata: true,
  nickname: true,
  product: true,
  recurring: true,
  tax_behavior: true,
  tiers_mode: true,
  transform_quantity: true,
  type: true,
  unit_amount: true,
  unit_amount_decimal: true,
});

const RECURRING = fieldsOf<Stripe.Price.Recurring>({
  interval: true,
  interval_count: true,
  meter: true,
  trial_period_days: true,
  usage_type: true,
});

const PLAN = fieldsOf<Stripe.Plan>({
  id: true,
  object: true,
  active: true,
  amount: true,
  amount_decimal: true,
  billing_scheme: true,
  created: true,
  currency: true,
  interval: true,
  interval_count: true,
  livemode: true,
  metadata: true,
  meter: true,
  nickname: true,
  product: true,
  tiers_mode: true,
  transform_usage: true,
  trial_period_days: true,
  usage_type: true,
});

const SUBSCRIPTION = fieldsOf<Stripe.Subscription>({
  id: true,
  object: true,
  application: true,
  application_fee_percent: true,
  automatic_tax: true,
  billing_cycle_anchor: true,
  billing_cycle_anchor_config: true,
  billing_mode: true,
  billing_schedules: true,
  billing_thresholds: true,
  cancel_at: true,
  cancel_at_period_end: true,
  canceled_at: true,
  cancellation_details: true,
  collection_method: true,
  created: true,
  currency: true,
  customer: true,
  customer_account: true,
  days_until_due: true,
  default_payment_method: true,
  default_source: true,
  description: true,
  discounts: true,
  ended_at: true,
  invoice_settings: true,
  items: true,
  latest_invoice: true,
  livemode: true,
  managed_payments: true,
  metadata: true,
  next_pending_invoice_item_invoice: true,
  on_behalf_of: true,
  pause_collection: true,
  payment_settings: true,
  pending_invoice_item_interval: true,
  pending_setup_intent: true,
  pending_update: true,
  schedule: true,
  start_date: true,
  status: true,
  test_clock: true,
  transfer_data: true,
  trial_end: true,
  trial_settings: true,
  trial_start: true,
});

const SUBSCRIPTION_ITEM = fieldsOf<Stripe.SubscriptionItem>({
  id: true,
  object: true,
  billing_thresholds: true,
  created: true,
  current_period_end: true,
  current_period_start: true,
  current_trial: true,
  discounts: true,
  metadata: true,
  plan: true,
  price: true,
  subscription: true,
  tax_rates: true,
});

const INVOICE = fieldsOf<Stripe.Invoice>({
  id: true,
  object: true,
  account_country: true,
  account_name: true,
  account_tax_ids: true,
  amount_due: true,
  amount_overpaid: true,
  amount_paid: true,
  amount_remaining: true,
  amount_shipping: true,
  application: true,
  attempt_count: true,
  attempted: true,
  automatic_tax: true,
  automatically_finalizes_at: true,
  billing_reason: true,
  collection_method: true,
  created: true,
  currency: true,
  custom_fields: true,
  customer: true,
  customer_account: true,
  customer_address: true,
  customer_email: true,
  customer_name: true,
  customer_phone: true,
  customer_shipping: true,
  customer_tax_exempt: true,
  default_payment_method: true,
  default_source: true,
  default_tax_rates: true,
  description: true,
  discounts: true,
  due_date: true,
  effective_at: true,
  ending_balance: true,
  footer: true,
  from_invoice: true,
  issuer: true,
  last_finalization_error: true,
  latest_revision: true,
  lines: true,
  livemode: true,
  metadata: true,
  next_payment_attempt: true,
  number: true,
  on_behalf_of: true,
  parent: true,
  payment_settings: true,
  period_end: true,
  period_start: true,
  post_payment_credit_notes_amount: true,
  pre_payment_credit_notes_amount: true,
  receipt_number: true,
  rendering: true,
  shipping_cost: true,
  shipping_details: true,
  starting_balance: true,
  statement_descriptor: true,
  status: true,
  status_transitions: true,
  subtotal: true,
  subtotal_excluding_tax: true,
  test_clock: true,
  total: true,
  total_discount_amounts: true,
  total_excluding_tax: true,
  total_pretax_credit_amounts: true,
  total_taxes: true,
  webhooks_delivered_at: true,
});

const INVOICE_LINE = fieldsOf<Stripe.InvoiceLineItem>({
  id: true,
  object: true,
  amount: true,
  currency: true,
  description: true,
  discount_amounts: true,
  discountable: true,
  discounts: true,
  invoice: true,
  livemode: true,
  metadata: true,
  parent: true,
  period: true,
  pretax_credit_amounts: true,
  pricing: true,
  quantity: true,
  quantity_decimal: true,
  subscription: true,
  subtotal: true,
  taxes: true,
});

const SESSION = fieldsOf<Stripe.Checkout.Session>({
  id: true,
  object: true,
  adaptive_pricing: true,
  after_expiration: true,
  allow_promotion_codes: true,
  allowed_payment_method_types: true,
  amount_subtotal: true,
  amount_total: true,
  automatic_tax: true,
  billing_address_collection: true,
  cancel_url: true,
  client_reference_id: true,
  client_secret: true,
  collected_information: true,
  consent: true,
  consent_collection: true,
  created: true,
  currency: true,
  currency_conversion: true,
  custom_fields: true,
  custom_text: true,
  customer: true,
  customer_account: true,
  customer_creation: true,
  customer_details: true,
  customer_email: true,
  discounts: true,
  expires_at: true,
  integration_identifier: true,
  invoice: true,
  invoice_creation: true,
  livemode: true,
  locale: true,
  managed_payments: true,
  metadata: true,
  mode: true,
  origin_context: true,
  payment_intent: true,
  payment_link: true,
  payment_method_collection: true,
  payment_method_configuration_details: true,
  payment_method_options: true,
  payment_method_types: true,
  payment_status: true,
  permissions: true,
  recovered_from: true,
  saved_payment_method_options: true,
  setup_intent: true,
  shipping_address_collection: true,
  shipping_cost: true,
  shipping_options: true,
  status: true,
  submit_type: true,
  subscription: true,
  success_url: true,
  total_details: true,
  ui_mode: true,
  url: true,
  wallet_options: true,
});

const CUSTOMER_DETAILS = fieldsOf<Stripe.Checkout.Session.CustomerDetails>({
  address: true,
  business_name: true,
  email: true,
  individual_name: true,
  name: true,
  phone: true,
  tax_exempt: true,
  tax_ids: true,
});

const LINE_ITEM = fieldsOf<Stripe.LineItem>({
  id: true,
  object: true,
  adjustable_quantity: true,
  amount_discount: true,
  amount_subtotal: true,
  amount_tax: true,
  amount_total: true,
  currency: true,
  description: true,
  metadata: true,
  price: true,
  quantity: true,
});

const PORTAL_SESSION = fieldsOf<Stripe.BillingPortal.Session>({
  id: true,
  object: true,
  configuration: true,
  created: true,
  customer: true,
  customer_account: true,
  flow: true,
  livemode: true,
  locale: true,
  on_behalf_of: true,
  return_url: true,
  url: true,
});

const PAYMENT_INTENT = fieldsOf<Stripe.PaymentIntent>({
  id: true,
  object: true,
  allowed_payment_method_types: true,
  amount: true,
  amount_capturable: true,
  amount_received: true,
  application: true,
  application_fee_amount: true,
  automatic_payment_methods: true,
  canceled_at: true,
  cancellation_reason: true,
  capture_method: true,
  client_secret: true,
  confirmation_method: true,
  created: true,
  currency: true,
  customer: true,
  customer_account: true,
  description: true,
  excluded_payment_method_types: true,
  last_payment_error: true,
  latest_charge: true,
  livemode: true,
  managed_payments: true,
  metadata: true,
  next_action: true,
  on_behalf_of: true,
  payment_method: true,
  payment_method_configuration_details: true,
  payment_method_options: true,
  payment_method_types: true,
  payment_record: true,
  processing: true,
  receipt_email: true,
  review: true,
  setup_future_usage: true,
  shipping: true,
  source: true,
  statement_descriptor: true,
  statement_descriptor_suffix: true,
  status: true,
  transfer_group: true,
});

const WEBHOOK_ENDPOINT = fieldsOf<Stripe.WebhookEndpoint>({
  id: true,
  object: true,
  api_version: true,
  application: true,
  created: true,
  description: true,
  enabled_events: true,
  livemode: true,
  metadata: true,
  status: true,
  url: true,
});

const METER = fieldsOf<Stripe.Billing.Meter>({
  id: true,
  object: true,
  created: true,
  customer_mapping: true,
  default_aggregation: true,
  display_name: true,
  event_name: true,
  event_time_window: true,
  livemode: true,
  status: true,
  status_transitions: true,
  updated: true,
  value_settings: true,
});

const METER_EVENT = fieldsOf<Stripe.Billing.MeterEvent>({
  object: true,
  created: true,
  event_name: true,
  identifier: true,
  livemode: true,
  payload: true,
  timestamp: true,
});

const METER_EVENT_SUMMARY = fieldsOf<Stripe.Billing.MeterEventSummary>({
  id: true,
  object: true,
  aggregated_value: true,
  end_time: true,
  livemode: true,
  meter: true,
  start_time: true,
});

type Kind =
  | 'customer'
  | 'deleted customer'
  | 'product'
  | 'price'
  | 'price.recurring'
  | 'plan'
  | 'subscription'
  | 'subscription item'
  | 'invoice'
  | 'invoice line item'
  | 'checkout session'
  | 'checkout customer_details'
  | 'checkout line item'
  | 'portal session'
  | 'payment intent'
  | 'webhook endpoint'
  | 'meter'
  | 'meter event'
  | 'meter event summary';

const FIELDS: Record<Kind, readonly string[]> = {
  customer: CUSTOMER,
  'deleted customer': DELETED_CUSTOMER,
  product: PRODUCT,
  price: PRICE,
  'price.recurring': RECURRING,
  plan: PLAN,
  subscription: SUBSCRIPTION,
  'subscription item': SUBSCRIPTION_ITEM,
  invoice: INVOICE,
  'invoice line item': INVOICE_LINE,
  'checkout session': SESSION,
  'checkout customer_details': CUSTOMER_DETAILS,
  'checkout line item': LINE_ITEM,
  'portal session': PORTAL_SESSION,
  'payment intent': PAYMENT_INTENT,
  'webhook endpoint': WEBHOOK_ENDPOINT,
  meter: METER,
  'meter event': METER_EVENT,
  'meter event summary': METER_EVENT_SUMMARY,
};

/** Collects, per object checked, the required fields it lacks. */
class ShapeCheck {
  readonly missing: Record<string, string[]> = {};
  readonly seen = new Set<Kind>();

  check(kind: Kind, where: string, value: unknown): void {
    this.seen.add(kind);
    const object = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
    const absent = FIELDS[kind].filter((field) => !(field in object));
    if (absent.length > 0) this.missing[`${kind} (${where})`] = absent;
  }

  price(where: string, price: Stripe.Price | null | undefined): void {
    this.check('price', where, price);
    if (price?.recurring !== null && price?.recurring !== undefined)
      this.check('price.recurring', where, price.recurring);
  }

  subscription(where: string, subscription: Stripe.Subscription): void {
    this.check('subscription', where, subscription);
    for (const item of subscription.items.data) {
      this.check('subscription item', `${where} item`, item);
      this.check('plan', `${where} item`, item.plan);
      this.price(`${where} item`, item.price);
    }
  }

  invoice(where: string, invoice: Stripe.Invoice): void {
    this.check('invoice', where, invoice);
    for (const line of invoice.lines.data) this.check('invoice line item', `${where} line`, line);
  }

  session(where: string, session: Stripe.Checkout.Session): void {
    this.check('checkout session', where, session);
    if (session.customer_details !== null)
      this.check('checkout customer_details', where, session.customer_details);
  }
}

describe('object shapes', () => {
  it('returns every field the SDK requires, on every kind of object, from the API and in webhooks', async () => {
    const { stripe, standIn, receiver } = fixture;
    const shapes = new ShapeCheck();

    const customer = await stripe.customers.create({ email: 'shapes@example.com', name: 'Shape Tester' });
    shapes.check('customer', 'create', customer);
    const meter = await stripe.billing.meters.create({
      display_name: 'Shapes',
      event_name: `shapes_${Math.random().toString(36).slice(2)}`,
      default_aggregation: { formula: 'sum' },
    });
    shapes.check('meter', 'create', meter);
    const price = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 3,
      product_data: { name: 'Shapes usage' },
      recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
    });
    shapes.price('create', price);
    shapes.check('product', 'retrieve', await stripe.products.retrieve(String(price.product)));

    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: PRO_PRICE, quantity: 1 }, { price: price.id }],
      success_url: 'http://127.0.0.1:5000/done',
    });
    shapes.session('create', session);
    expect((await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' })).status).toBe(303);
    const completed = await stripe.checkout.sessions.retrieve(session.id);
    shapes.session('completed', completed);
    for (const line of (await stripe.checkout.sessions.listLineItems(session.id)).data) {
      shapes.check('checkout line item', 'list', line);
      shapes.price('checkout line item', line.price);
    }

    const subscriptionId = String(completed.subscription);
    shapes.subscription('retrieve', await stripe.subscriptions.retrieve(subscriptionId));
    for (const item of (await stripe.subscriptionItems.list({ subscription: subscriptionId })).data) {
      shapes.check('subscription item', 'list', item);
    }

    const event = await stripe.billing.meterEvents.create({
      event_name: meter.event_name,
      payload: { stripe_customer_id: customer.id, value: '12' },
    });
    shapes.check('meter event', 'create', event);
    const now = standIn.now();
    const summaries = await stripe.billing.meters.listEventSummaries(meter.id, {
      customer: customer.id,
      start_time: now - (now % 86_400),
      end_time: now - (now % 86_400) + 86_400,
      value_grouping_window: 'day',
    });
    expect(summaries.data).toHaveLength(1);
    for (const summary of summaries.data) shapes.check('meter event summary', 'list', summary);

    shapes.invoice('preview', await stripe.invoices.createPreview({ subscription: subscriptionId }));
    await controlPost(standIn, '/clock/advance', { to_period_end_of: subscriptionId });
    for (const invoice of (await stripe.invoices.list({ customer: customer.id })).data) {
      shapes.invoice('list', invoice);
      for (const line of (await stripe.invoices.listLineItems(invoice.id)).data) {
        shapes.check('invoice line item', 'list lines', line);
      }
    }

    shapes.check(
      'portal session',
      'create',
      await stripe.billingPortal.sessions.create({
        customer: customer.id,
        return_url: 'http://127.0.0.1:5000/',
      }),
    );

    const payment = await stripe.checkout.sessions.create({
      mode: 'payment',
      customer: customer.id,
      line_items: [{ price: 'price_keymeter_credits_10k', quantity: 1 }],
      success_url: 'http://127.0.0.1:5000/done',
    });
    shapes.session('payment create', payment);
    expect((await postForm(`${payment.url ?? ''}/pay`, { outcome: 'succeed' })).status).toBe(303);
    const paid = await stripe.checkout.sessions.retrieve(payment.id);
    shapes.session('payment completed', paid);
    shapes.check(
      'payment intent',
      'retrieve',
      await stripe.paymentIntents.retrieve(String(paid.payment_intent)),
    );

    shapes.check(
      'webhook endpoint',
      'create',
      await stripe.webhookEndpoints.create({
        url: 'http://127.0.0.1:9/hook',
        enabled_events: ['invoice.paid'],
      }),
    );
    shapes.check('deleted customer', 'delete', await stripe.customers.del(customer.id));

    // What webhooks carry is checked too: each event's object is the object of its type.
    await standIn.deliveriesIdle();
    for (const { event: received } of receiver.received) {
      const object = received.data.object as { object?: string };
      const where = `webhook ${received.type}`;
      if (object.object === 'invoice') shapes.invoice(where, object as Stripe.Invoice);
      if (object.object === 'subscription') shapes.subscription(where, object as Stripe.Subscription);
      if (object.object === 'checkout.session') shapes.session(where, object as Stripe.Checkout.Session);
      if (object.object === 'payment_intent') shapes.check('payment intent', where, object);
      if (object.object === 'billing.meter') shapes.check('meter', where, object);
      if (object.object === 'price') shapes.price(where, object as Stripe.Price);
      if (object.object === 'product') shapes.check('product', where, object);
    }

    expect(shapes.missing).toEqual({});
    expect([...shapes.seen].sort()).toEqual(Object.keys(FIELDS).sort());
  });

  it('speaks this API version’s enum values', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'enums@example.com' });
    const session = await fixture.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: PRO_PRICE, quantity: 1 }],
    });
    // 2026-10-28.endive renamed `hosted` to `hosted_page`.
    expect(session.ui_mode).toBe('hosted_page');
  });
});

/** Compile-time only: the stand-in's object types against the SDK's (see sdk-types.ts). */
export type { ObjectShapes };
