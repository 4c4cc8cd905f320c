import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { belongsTo, getHtml, postForm, TEST_SECRET, typesOf, useStandInWithReceiver } from './helpers.js';

const fixture = useStandInWithReceiver();

const CREDITS_10K = 'price_keymeter_credits_10k';
const CREDITS_100K = 'price_keymeter_credits_100k';
const SUCCESS_URL = 'http://127.0.0.1:5000/dashboard/billing?credits=done&session_id={CHECKOUT_SESSION_ID}';

async function creditsSession(
  customer: Stripe.Customer,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return fixture.stripe.checkout.sessions.create({
    mode: 'payment',
    customer: customer.id,
    line_items: [{ price: CREDITS_10K, quantity: 2 }],
    metadata: { account_id: 'acct_keymeter_1', credit_units: '20000' },
    client_reference_id: 'acct_keymeter_1',
    success_url: SUCCESS_URL,
    cancel_url: 'http://127.0.0.1:5000/dashboard/billing',
    ...extra,
  });
}

describe('payment-mode checkout', () => {
  it('opens a session for one-time prices whose hosted page shows what is bought', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'credits@example.com' });
    const session = await creditsSession(customer);
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      amount_total: 1_000,
      amount_subtotal: 1_000,
      currency: 'usd',
      customer: customer.id,
      payment_intent: null,
      subscription: null,
      ui_mode: 'hosted_page',
      metadata: { account_id: 'acct_keymeter_1', credit_units: '20000' },
      client_reference_id: 'acct_keymeter_1',
    });
    const page = await getHtml(session.url ?? '');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Pay for Keymeter credits');
    expect(page.html).toContain('<dd id="due-today">$10.00</dd>');
    expect(page.html).toContain('Pay $10.00');
    expect(page.html).not.toContain('fail-renewals');
  });

  it('completes from the hosted page: a paid session, a payment intent, line items, and the webhooks', async () => {
    const { stripe, receiver } = fixture;
    const customer = await stripe.customers.create({ email: 'buyer@example.com' });
    const session = await creditsSession(customer, {
      line_items: [
        { price: CREDITS_10K, quantity: 1 },
        { price: CREDITS_100K, quantity: 1 },
      ],
      metadata: { account_id: 'acct_keymeter_2', credit_units: '110000' },
      payment_intent_data: { metadata: { account_id: 'acct_keymeter_2' } },
    });
    const paid = await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(SUCCESS_URL.replace('{CHECKOUT_SESSION_ID}', session.id));

    const completed = await stripe.checkout.sessions.retrieve(session.id);
    expect(completed).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      amount_total: 4_500,
      customer: customer.id,
      subscription: null,
      url: null,
      customer_details: { email: 'buyer@example.com' },
    });
    expect(completed.payment_intent).toMatch(/^pi_/);
    const intent = await stripe.paymentIntents.retrieve(String(completed.payment_intent));
    expect(intent).toMatchObject({
      status: 'succeeded',
      amount: 4_500,
      amount_received: 4_500,
      currency: 'usd',
      customer: customer.id,
      metadata: { account_id: 'acct_keymeter_2' },
    });
    const byIntent = await stripe.checkout.sessions.list({ payment_intent: intent.id });
    expect(byIntent.data.map((found) => found.id)).toEqual([session.id]);

    const lines = await stripe.checkout.sessions.listLineItems(session.id, {
      expand: ['data.price.product'],
    });
    expect(
      lines.data.map((line) => [
        line.price?.id,
        line.quantity,
        line.amount_total,
        (line.price?.product as Stripe.Product).name,
      ]),
    ).toEqual([
      [CREDITS_10K, 1, 500, 'Keymeter credits'],
      [CREDITS_100K, 1, 4_000, 'Keymeter credits'],
    ]);
    expect(lines.data.map((line) => line.price?.metadata.credit_units)).toEqual(['10000', '100000']);

    const webhooks = await receiver.waitForTypes(customer.id, [
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const types = typesOf(webhooks);
    expect(types.indexOf('payment_intent.succeeded')).toBeLessThan(
      types.indexOf('checkout.session.completed'),
    );
    const event = webhooks.find((w) => w.event.type === 'checkout.session.completed');
    if (event === undefined) throw new Error('no checkout.session.completed');
    const verified = stripe.webhooks.constructEvent(
      event.body,
      String(event.headers['stripe-signature']),
      TEST_SECRET,
    );
    expect(verified.data.object).toMatchObject({
      id: session.id,
      mode: 'payment',
      payment_status: 'paid',
      amount_total: 4_500,
      payment_intent: intent.id,
      metadata: { account_id: 'acct_keymeter_2', credit_units: '110000' },
      client_reference_id: 'acct_keymeter_1',
    });
    // A payment makes no subscription and no invoice.
    expect((await stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data).toEqual([]);
    expect((await stripe.invoices.list({ customer: customer.id })).data).toEqual([]);
    expect(
      receiver.received.some((w) => belongsTo(w.event, customer.id) && w.event.type.startsWith('invoice.')),
    ).toBe(false);
  });

  it('declines without completing, and a second payment of a paid session charges nothing more', async () => {
    const { stripe } = fixture;
    const customer = await stripe.customers.create({ email: 'declined@example.com' });
    const session = await creditsSession(customer);
    const declined = await postForm(`${session.url ?? ''}/pay`, { outcome: 'decline' });
    expect(declined.status).toBe(402);
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');

    const url = session.url ?? '';
    expect((await postForm(`${url}/pay`, { outcome: 'succeed' })).status).toBe(303);
    expect((await postForm(`${url}/pay`, { outcome: 'succeed' })).status).toBe(303);
    const intents = await stripe.paymentIntents.list({ customer: customer.id });
    expect(intents.data).toHaveLength(1);
  });

  it('refuses what payment mode does not take', async () => {
    const { stripe } = fixture;
    const customer = await stripe.customers.create({ email: 'refused@example.com' });
    await expect(creditsSession(customer, { line_items: [{ price: CREDITS_10K }] })).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'line_items[0][quantity]',
    });
    await expect(
      creditsSession(customer, { subscription_data: { metadata: { a: 'b' } } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'subscription_data' });
    await expect(
      creditsSession(customer, { line_items: [{ price: 'price_keymeter_pro_overage' }] }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
    expect((await stripe.checkout.sessions.list({ customer: customer.id })).data).toEqual([]);
  });
});
