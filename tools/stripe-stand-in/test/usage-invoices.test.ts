import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  belongsTo,
  controlPost,
  getHtml,
  postForm,
  PRO_PRICE,
  TEST_SECRET,
  typesOf,
  useStandInWithReceiver,
} from './helpers.js';

const fixture = useStandInWithReceiver();

const PRO_OVERAGE = 'price_keymeter_pro_overage';
const ENTERPRISE_OVERAGE = 'price_keymeter_enterprise_overage';
const OVERAGE_EVENT = 'keymeter_overage_units';

interface Metered {
  customer: Stripe.Customer;
  subscription: Stripe.Subscription;
  base: Stripe.SubscriptionItem;
  metered: Stripe.SubscriptionItem;
}

/** Keymeter's Pro checkout with its overage price: the plan with a quantity, the overage without. */
async function subscribeWithOverage(options: { renewals?: 'fail' } = {}): Promise<Metered> {
  const { stripe } = fixture;
  const customer = await stripe.customers.create({
    email: `metered-${Math.random().toString(36).slice(2)}@example.com`,
  });
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: PRO_PRICE, quantity: 1 }, { price: PRO_OVERAGE }],
    success_url: 'http://127.0.0.1:5000/dashboard/billing?session_id={CHECKOUT_SESSION_ID}',
  });
  const paid = await postForm(`${session.url ?? ''}/pay`, {
    outcome: 'succeed',
    ...(options.renewals === undefined ? {} : { renewals: options.renewals }),
  });
  expect(paid.status).toBe(303);
  const completed = await stripe.checkout.sessions.retrieve(session.id);
  const subscription = await stripe.subscriptions.retrieve(String(completed.subscription));
  const base = subscription.items.data.find((item) => item.price.id === PRO_PRICE);
  const metered = subscription.items.data.find((item) => item.price.id === PRO_OVERAGE);
  if (base === undefined || metered === undefined) throw new Error('the subscription lacks an item');
  return { customer, subscription, base, metered };
}

async function report(customer: string, value: number, timestamp?: number): Promise<void> {
  await fixture.stripe.billing.meterEvents.create({
    event_name: OVERAGE_EVENT,
    payload: { stripe_customer_id: customer, value: String(value) },
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

async function toPeriodEnd(subscription: string): Promise<void> {
  const moved = await controlPost(fixture.standIn, '/clock/advance', { to_period_end_of: subscription });
  expect(moved.status).toBe(200);
}

function lineOf(invoice: Stripe.Invoice, price: string): Stripe.InvoiceLineItem | undefined {
  return invoice.lines.data.find((line) => line.pricing?.price_details?.price === price);
}

async function latestInvoice(subscription: string): Promise<Stripe.Invoice> {
  const current = await fixture.stripe.subscriptions.retrieve(subscription);
  return fixture.stripe.invoices.retrieve(String(current.latest_invoice));
}

describe('metered subscriptions', () => {
  it('subscribes through Checkout to a plan and its metered price: two items, the first invoice bills the plan only', async () => {
    const { subscription, base, metered } = await subscribeWithOverage();
    expect(subscription.items.data).toHaveLength(2);
    expect(base.quantity).toBe(1);
    expect('quantity' in metered).toBe(false);
    expect(metered.price.recurring).toMatchObject({ usage_type: 'metered', meter: 'mtr_keymeter_overage' });
    expect(metered.price.transform_quantity).toEqual({ divide_by: 1000, round: 'up' });
    expect(metered.plan).toMatchObject({ usage_type: 'metered', meter: 'mtr_keymeter_overage' });

    const items = await fixture.stripe.subscriptionItems.list({ subscription: subscription.id });
    expect(items.data.map((item) => item.id).sort()).toEqual([base.id, metered.id].sort());
    expect(await fixture.stripe.subscriptionItems.retrieve(metered.id)).toMatchObject({
      id: metered.id,
      subscription: subscription.id,
    });

    const first = await latestInvoice(subscription.id);
    expect(first).toMatchObject({ billing_reason: 'subscription_create', status: 'paid', total: 2900 });
    expect(first.lines.data.map((line) => line.pricing?.price_details?.price)).toEqual([PRO_PRICE]);
  });

  it('refuses a quantity for a metered price, in Checkout and on the subscription, changing nothing', async () => {
    const { stripe } = fixture;
    const { customer, subscription, metered } = await subscribeWithOverage();
    await expect(
      stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [
          { price: PRO_PRICE, quantity: 1 },
          { price: PRO_OVERAGE, quantity: 1 },
        ],
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'line_items[1][quantity]' });
    await expect(
      stripe.subscriptions.update(subscription.id, {
        metadata: { touched: 'yes' },
        items: [{ id: metered.id, price: ENTERPRISE_OVERAGE, quantity: 3 }],
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'items[0][quantity]' });
    const after = await stripe.subscriptions.retrieve(subscription.id);
    expect(after.metadata).toEqual(subscription.metadata);
    expect(after.items.data.map((item) => item.price.id).sort()).toEqual([PRO_OVERAGE, PRO_PRICE].sort());
  });

  it('bills at period end the new period’s plan and the ended period’s usage, adding up to the events', async () => {
    const { stripe, receiver } = fixture;
    const { customer, subscription, metered } = await subscribeWithOverage();
    const other = await subscribeWithOverage();
    const periodStart = metered.current_period_start;
    const periodEnd = metered.current_period_end;

    await report(customer.id, 1_000, periodStart - 3_600); // before the period: not billed
    for (const value of [5_000, 7_000, 345]) await report(customer.id, value);
    await report(other.customer.id, 99_999);

    await toPeriodEnd(subscription.id);
    await report(customer.id, 4_000); // the new period's: billed next time

    const invoice = await latestInvoice(subscription.id);
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_cycle',
      status: 'paid',
      customer: customer.id,
      currency: 'usd',
      period_start: periodStart,
      period_end: periodEnd,
      created: periodEnd,
      amount_due: 3_550,
      amount_paid: 3_550,
      amount_remaining: 0,
      total: 3_550,
    });
    expect(invoice.number).toMatch(/^[A-Z0-9]{8}-0002$/);
    const base = lineOf(invoice, PRO_PRICE);
    const usage = lineOf(invoice, PRO_OVERAGE);
    expect(invoice.lines.data).toHaveLength(2);
    expect(base).toMatchObject({ amount: 2_900, quantity: 1, period: { start: periodEnd } });
    expect(base?.period.end).toBeGreaterThan(periodEnd + 27 * 86_400);
    // 12,345 units at $0.50 per 1,000, rounded up: 13 × 50.
    expect(usage).toMatchObject({
      amount: 650,
      subtotal: 650,
      quantity: 12_345,
      period: { start: periodStart, end: periodEnd },
      parent: { subscription_item_details: { subscription_item: metered.id, subscription: subscription.id } },
    });
    expect(String(usage?.quantity_decimal)).toBe('12345');
    expect(String(usage?.pricing?.unit_amount_decimal)).toBe('50');
    expect(invoice.lines.data.reduce((sum, line) => sum + line.amount, 0)).toBe(invoice.total);

    // The meter's own summary of the period agrees with the invoice.
    const summary = await stripe.billing.meters.listEventSummaries('mtr_keymeter_overage', {
      customer: customer.id,
      start_time: periodStart - (periodStart % 60),
      end_time: periodEnd - (periodEnd % 60),
    });
    expect(summary.data[0]?.aggregated_value).toBe(12_345);

    const otherInvoice = await latestInvoice(other.subscription.id);
    expect(lineOf(otherInvoice, PRO_OVERAGE)).toMatchObject({ quantity: 99_999, amount: 5_000 });

    const renewal = await receiver.waitFor(
      (w) => belongsTo(w.event, customer.id) && w.event.created === periodEnd,
      (matching) => matching.some((w) => w.event.type === 'invoice.payment_succeeded'),
    );
    for (const webhook of renewal) {
      stripe.webhooks.constructEvent(webhook.body, String(webhook.headers['stripe-signature']), TEST_SECRET);
    }
    expect(typesOf(renewal)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
    const paidEvent = renewal.find((w) => w.event.type === 'invoice.paid')?.event.data
      .object as Stripe.Invoice;
    expect(paidEvent).toMatchObject({ id: invoice.id, status: 'paid', total: 3_550 });
    expect(paidEvent.lines.data.map((line) => line.amount).sort((a, b) => a - b)).toEqual([650, 2_900]);
  });

  it('serves the hosted invoice page its hosted_invoice_url names', async () => {
    const { customer, subscription } = await subscribeWithOverage();
    await report(customer.id, 2_001);
    await toPeriodEnd(subscription.id);
    const invoice = await latestInvoice(subscription.id);
    expect(invoice.hosted_invoice_url).toBe(`${fixture.standIn.url}/invoice/${invoice.id}`);
    const { status, html } = await getHtml(invoice.hosted_invoice_url ?? '');
    expect(status).toBe(200);
    expect(html).toContain(`<span id="invoice-number">${invoice.number ?? ''}</span>`);
    expect(html).toContain('<dd id="invoice-total">$30.50</dd>');
    expect(html).toContain('<span class="status" id="invoice-status">Paid</span>');
    expect(html.match(/class="invoice-line"/g)).toHaveLength(2);
    expect(html).toContain('2001 units × Keymeter overage');
    expect((await getHtml(`${fixture.standIn.url}/invoice/in_nope`)).status).toBe(404);
  });

  it('previews the upcoming invoice: next period’s plan and the usage so far', async () => {
    const { stripe } = fixture;
    const { customer, subscription, metered } = await subscribeWithOverage();
    await report(customer.id, 2_500);
    const preview = await stripe.invoices.createPreview({
      customer: customer.id,
      subscription: subscription.id,
    });
    expect(preview.id).toMatch(/^upcoming_in_/);
    expect(preview).toMatchObject({
      status: 'draft',
      billing_reason: 'upcoming',
      customer: customer.id,
      period_start: metered.current_period_start,
      period_end: metered.current_period_end,
      created: metered.current_period_end,
      number: null,
      hosted_invoice_url: null,
      total: 3_050,
      amount_due: 3_050,
    });
    expect(lineOf(preview, PRO_PRICE)).toMatchObject({
      amount: 2_900,
      period: { start: metered.current_period_end },
    });
    expect(lineOf(preview, PRO_OVERAGE)).toMatchObject({
      quantity: 2_500,
      amount: 150,
      period: { start: metered.current_period_start, end: metered.current_period_end },
    });

    await report(customer.id, 1_000);
    const byCustomer = await stripe.invoices.createPreview({ customer: customer.id });
    expect(lineOf(byCustomer, PRO_OVERAGE)).toMatchObject({ quantity: 3_500, amount: 200 });
    // A preview is not an invoice: it is neither listed nor retrievable.
    const listed = await stripe.invoices.list({ customer: customer.id });
    expect(listed.data.map((invoice) => invoice.id)).not.toContain(preview.id);
    await expect(stripe.invoices.retrieve(preview.id)).rejects.toMatchObject({ statusCode: 404 });

    const nobody = await stripe.customers.create({ email: 'no-subscription@example.com' });
    await expect(stripe.invoices.createPreview({ customer: nobody.id })).rejects.toMatchObject({
      statusCode: 404,
      code: 'invoice_upcoming_none',
    });
    await expect(
      stripe.invoices.createPreview({ customer: nobody.id, subscription: subscription.id }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'subscription' });
  });

  it('lists invoices by customer, subscription and status, page by page', async () => {
    const { stripe } = fixture;
    const { customer, subscription } = await subscribeWithOverage();
    await toPeriodEnd(subscription.id);
    await toPeriodEnd(subscription.id);
    const all = await stripe.invoices.list({ customer: customer.id });
    expect(all.data.map((invoice) => invoice.billing_reason)).toEqual([
      'subscription_cycle',
      'subscription_cycle',
      'subscription_create',
    ]);
    const first = await stripe.invoices.list({
      customer: customer.id,
      subscription: subscription.id,
      limit: 2,
    });
    expect(first.has_more).toBe(true);
    const rest = await stripe.invoices.list({
      customer: customer.id,
      limit: 2,
      starting_after: first.data.at(-1)?.id ?? '',
    });
    expect([...first.data, ...rest.data].map((invoice) => invoice.id)).toEqual(
      all.data.map((invoice) => invoice.id),
    );
    expect(rest.has_more).toBe(false);
    expect((await stripe.invoices.list({ customer: customer.id, status: 'paid' })).data).toHaveLength(3);
    expect((await stripe.invoices.list({ customer: customer.id, status: 'open' })).data).toHaveLength(0);
  });

  it('bills a switched overage price only for the usage after the switch, at the new price', async () => {
    const { stripe } = fixture;
    const { customer, subscription, metered } = await subscribeWithOverage();
    await report(customer.id, 10_000);
    fixture.standIn.advanceClock(3_600);
    await stripe.subscriptions.update(subscription.id, {
      items: [{ id: metered.id, price: ENTERPRISE_OVERAGE }],
    });
    fixture.standIn.advanceClock(60);
    await report(customer.id, 3_000);
    await toPeriodEnd(subscription.id);
    const invoice = await latestInvoice(subscription.id);
    expect(lineOf(invoice, PRO_OVERAGE)).toBeUndefined();
    expect(lineOf(invoice, ENTERPRISE_OVERAGE)).toMatchObject({ quantity: 3_000, amount: 60 });
  });

  it('keeps failing renewals working with usage on the invoice', async () => {
    const { customer, subscription } = await subscribeWithOverage({ renewals: 'fail' });
    await report(customer.id, 1_500);
    await toPeriodEnd(subscription.id);
    const invoice = await latestInvoice(subscription.id);
    expect(invoice).toMatchObject({ status: 'open', amount_due: 3_000, amount_paid: 0, attempt_count: 1 });
    expect((await fixture.stripe.subscriptions.retrieve(subscription.id)).status).toBe('past_due');
    await fixture.receiver.waitForTypes(customer.id, ['invoice.payment_failed']);
  });
});

describe('cancel at period end', () => {
  it('schedules the cancellation, resumes, and each change is customer.subscription.updated', async () => {
    const { stripe, receiver } = fixture;
    const { customer, subscription } = await subscribeWithOverage();
    const scheduled = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(scheduled).toMatchObject({
      cancel_at_period_end: true,
      cancel_at: subscription.items.data[0]?.current_period_end,
      status: 'active',
    });
    const resumed = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: false });
    expect(resumed).toMatchObject({ cancel_at_period_end: false, cancel_at: null, canceled_at: null });

    const updates = await receiver.waitFor(
      (w) => belongsTo(w.event, customer.id) && w.event.type === 'customer.subscription.updated',
      (matching) => matching.length >= 2,
    );
    expect(updates.map((w) => (w.event.data.object as Stripe.Subscription).cancel_at_period_end)).toEqual([
      true,
      false,
    ]);
    expect(updates[0]?.event.data.previous_attributes).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
    });
    expect(updates[1]?.event.data.previous_attributes).toMatchObject({ cancel_at_period_end: true });
  });

  it('ends at period end with a final invoice for the last period’s usage and no new plan charge', async () => {
    const { stripe, receiver } = fixture;
    const { customer, subscription, metered } = await subscribeWithOverage();
    await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    await report(customer.id, 4_200);
    await toPeriodEnd(subscription.id);

    const ended = await stripe.subscriptions.retrieve(subscription.id);
    expect(ended).toMatchObject({ status: 'canceled', ended_at: metered.current_period_end });
    const final = await latestInvoice(subscription.id);
    expect(
      final.lines.data.map((line) => [line.pricing?.price_details?.price, line.quantity, line.amount]),
    ).toEqual([[PRO_OVERAGE, 4_200, 250]]);
    expect(final).toMatchObject({ status: 'paid', total: 250, period_end: metered.current_period_end });
    const afterEnd = await receiver.waitFor(
      (w) => belongsTo(w.event, customer.id) && w.event.created === metered.current_period_end,
      (matching) => matching.some((w) => w.event.type === 'invoice.payment_succeeded'),
    );
    expect(typesOf(afterEnd)).toEqual([
      'customer.subscription.deleted',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });
});

describe('metered prices', () => {
  it('creates metered prices on a meter, with a package transform or a decimal unit amount', async () => {
    const { stripe } = fixture;
    const packaged = await stripe.prices.create({
      currency: 'usd',
      unit_amount: 1_000,
      product_data: { name: 'Car rental' },
      recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_keymeter_overage' },
      transform_quantity: { divide_by: 60, round: 'up' },
      lookup_key: `rental_${Math.random().toString(36).slice(2)}`,
    });
    expect(packaged).toMatchObject({
      type: 'recurring',
      unit_amount: 1_000,
      recurring: {
        usage_type: 'metered',
        meter: 'mtr_keymeter_overage',
        interval: 'month',
        interval_count: 1,
      },
      transform_quantity: { divide_by: 60, round: 'up' },
    });
    const product = await stripe.products.retrieve(String(packaged.product));
    expect(product).toMatchObject({ name: 'Car rental', default_price: packaged.id });

    const fractional = await stripe.prices.create({
      currency: 'usd',
      unit_amount_decimal: Stripe.Decimal.from('0.0500'),
      product: product.id,
      recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_keymeter_overage' },
    });
    expect(fractional.unit_amount).toBeNull();
    expect(String(fractional.unit_amount_decimal)).toBe('0.05');

    const oneTime = await stripe.prices.create({ currency: 'usd', unit_amount: 500, product: product.id });
    expect(oneTime).toMatchObject({ type: 'one_time', recurring: null });
  });

  it('refuses metered prices without a usable meter', async () => {
    const { stripe } = fixture;
    const base = { currency: 'usd', unit_amount: 10, product_data: { name: 'x' } };
    await expect(
      stripe.prices.create({ ...base, recurring: { interval: 'month', usage_type: 'metered' } }),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'recurring[meter]' });
    await expect(
      stripe.prices.create({
        ...base,
        recurring: { interval: 'month', usage_type: 'metered', meter: 'mtr_none' },
      }),
    ).rejects.toMatchObject({ code: 'resource_missing', param: 'recurring[meter]' });
    const meter = await stripe.billing.meters.create({
      display_name: 'Soon gone',
      event_name: `gone_${Math.random().toString(36).slice(2)}`,
      default_aggregation: { formula: 'sum' },
    });
    await stripe.billing.meters.deactivate(meter.id);
    await expect(
      stripe.prices.create({
        ...base,
        recurring: { interval: 'month', usage_type: 'metered', meter: meter.id },
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'recurring[meter]' });
    await expect(stripe.prices.create({ ...base, lookup_key: 'keymeter_pro_monthly' })).rejects.toMatchObject(
      { statusCode: 400, param: 'lookup_key' },
    );
  });

  it('seeds the overage and credit prices of Keymeter’s catalog', async () => {
    const prices = await fixture.stripe.prices.list({
      lookup_keys: [
        'keymeter_pro_overage',
        'keymeter_enterprise_overage',
        'keymeter_credits_10k',
        'keymeter_credits_100k',
      ],
      expand: ['data.product'],
    });
    const byId = new Map(prices.data.map((price) => [price.id, price]));
    expect(byId.get(PRO_OVERAGE)).toMatchObject({
      unit_amount: 50,
      metadata: { plan_tier: 'pro', kind: 'overage' },
      recurring: { usage_type: 'metered', meter: 'mtr_keymeter_overage', interval: 'month' },
      transform_quantity: { divide_by: 1000, round: 'up' },
      product: { id: 'prod_keymeter_overage', name: 'Keymeter overage' },
    });
    expect(byId.get(ENTERPRISE_OVERAGE)).toMatchObject({
      unit_amount: 20,
      metadata: { plan_tier: 'enterprise', kind: 'overage' },
      product: { id: 'prod_keymeter_overage' },
    });
    expect(byId.get('price_keymeter_credits_10k')).toMatchObject({
      type: 'one_time',
      unit_amount: 500,
      recurring: null,
      metadata: { credit_units: '10000' },
      product: { id: 'prod_keymeter_credits', name: 'Keymeter credits' },
    });
    expect(byId.get('price_keymeter_credits_100k')).toMatchObject({
      unit_amount: 4_000,
      metadata: { credit_units: '100000' },
    });
    const metered = await fixture.stripe.prices.list({ recurring: { usage_type: 'metered' }, limit: 100 });
    expect(metered.data.map((price) => price.id)).toEqual(
      expect.arrayContaining([PRO_OVERAGE, ENTERPRISE_OVERAGE]),
    );
    expect(metered.data.map((price) => price.id)).not.toContain(PRO_PRICE);
  });
});
