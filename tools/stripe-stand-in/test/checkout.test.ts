import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  belongsTo,
  getHtml,
  postForm,
  PRO_PRICE,
  subscribe,
  TEST_SECRET,
  typesOf,
  useStandInWithReceiver,
} from './helpers.js';

/** A stand-in whose webhooks go to a local receiver, for this file's tests. */
const fixture = useStandInWithReceiver();

async function newSession(
  customer: Stripe.Customer,
  extra: Partial<Stripe.Checkout.SessionCreateParams> = {},
): Promise<Stripe.Checkout.Session> {
  return fixture.stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: customer.id,
    line_items: [{ price: PRO_PRICE, quantity: 1 }],
    success_url: 'http://127.0.0.1:5000/dashboard/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:5000/dashboard/billing?checkout=canceled',
    client_reference_id: 'uid_checkout',
    metadata: { firebase_uid: 'uid_checkout' },
    subscription_data: { metadata: { firebase_uid: 'uid_checkout' } },
    allow_promotion_codes: true,
    ...extra,
  });
}

describe('checkout: happy path', () => {
  it('creates an open session whose url is the hosted page', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'open@example.com' });
    const session = await newSession(customer);
    expect(session).toMatchObject({
      object: 'checkout.session',
      mode: 'subscription',
      status: 'open',
      payment_status: 'unpaid',
      customer: customer.id,
      client_reference_id: 'uid_checkout',
      amount_total: 2900,
      currency: 'usd',
      subscription: null,
      allow_promotion_codes: true,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${fixture.standIn.url}/checkout/${session.id}`);

    const page = await getHtml(session.url ?? '');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Subscribe to Keymeter Pro');
    expect(page.html).toContain('$29.00');
    expect(page.html).toContain('id="pay"');
    expect(page.html).toContain('Pay and subscribe');
    expect(page.html).toContain('href="http://127.0.0.1:5000/dashboard/billing?checkout=canceled"');
  });

  it('pays, redirects to success_url and sends verified webhooks in order', async () => {
    const customer = await fixture.stripe.customers.create({
      email: 'pay@example.com',
      metadata: { firebase_uid: 'uid_checkout' },
    });
    const session = await newSession(customer);

    const paid = await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' });
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(
      `http://127.0.0.1:5000/dashboard/billing?checkout=success&session_id=${session.id}`,
    );

    const webhooks = await fixture.receiver.waitForTypes(customer.id, [
      'customer.subscription.created',
      'invoice.paid',
      'checkout.session.completed',
    ]);
    const types = typesOf(webhooks);
    expect(types.indexOf('customer.subscription.created')).toBeLessThan(types.indexOf('invoice.paid'));
    expect(types.indexOf('invoice.paid')).toBeLessThan(types.indexOf('checkout.session.completed'));

    for (const webhook of webhooks) {
      expect(webhook.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(webhook.headers['user-agent']).toMatch(
        /^Stripe\/1\.0 \(\+https:\/\/stripe\.com\/docs\/webhooks\)$/,
      );
      const signature = webhook.headers['stripe-signature'];
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = fixture.stripe.webhooks.constructEvent(webhook.body, String(signature), TEST_SECRET);
      expect(event.livemode).toBe(false);
      expect(event.id).toMatch(/^evt_/);
    }

    const byType = new Map(webhooks.map((w) => [w.event.type, w.event]));
    const created = byType.get('customer.subscription.created')?.data.object as Stripe.Subscription & {
      current_period_start: number;
      current_period_end: number;
    };
    expect(created).toMatchObject({
      object: 'subscription',
      status: 'active',
      customer: customer.id,
      cancel_at_period_end: false,
      metadata: { firebase_uid: 'uid_checkout' },
    });
    const item = created.items.data[0];
    expect(item?.price).toMatchObject({
      id: PRO_PRICE,
      lookup_key: 'keymeter_pro_monthly',
      product: 'prod_keymeter_pro',
    });
    expect(item?.current_period_start).toBe(created.current_period_start);
    expect(item?.current_period_end).toBe(created.current_period_end);
    const start = new Date(created.current_period_start * 1000);
    const end = new Date(created.current_period_end * 1000);
    expect(
      (end.getUTCFullYear() - start.getUTCFullYear()) * 12 + end.getUTCMonth() - start.getUTCMonth(),
    ).toBe(1);

    const invoice = byType.get('invoice.paid')?.data.object as Stripe.Invoice & { subscription: string };
    expect(invoice).toMatchObject({
      object: 'invoice',
      status: 'paid',
      customer: customer.id,
      amount_paid: 2900,
      billing_reason: 'subscription_create',
      subscription: created.id,
      parent: {
        type: 'subscription_details',
        subscription_details: { subscription: created.id, metadata: { firebase_uid: 'uid_checkout' } },
      },
    });
    expect(created.latest_invoice).toBe(invoice.id);

    const completed = byType.get('checkout.session.completed')?.data.object as Stripe.Checkout.Session;
    expect(completed).toMatchObject({
      id: session.id,
      status: 'complete',
      payment_status: 'paid',
      subscription: created.id,
      customer: customer.id,
      client_reference_id: 'uid_checkout',
      metadata: { firebase_uid: 'uid_checkout' },
    });
  });

  it('returns the session with its subscription expanded after payment', async () => {
    const { session, subscriptionId, customer } = await subscribe(fixture.stripe);
    const retrieved = await fixture.stripe.checkout.sessions.retrieve(session.id, {
      expand: ['subscription', 'line_items', 'customer'],
    });
    expect(retrieved.status).toBe('complete');
    expect(retrieved.url).toBeNull();
    const subscription = retrieved.subscription as Stripe.Subscription;
    expect(subscription).toMatchObject({ id: subscriptionId, object: 'subscription', status: 'active' });
    expect((retrieved.customer as Stripe.Customer).email).toBe(customer.email);
    expect(retrieved.line_items?.data[0]).toMatchObject({
      object: 'item',
      quantity: 1,
      price: { id: PRO_PRICE },
    });

    const subscriptions = await fixture.stripe.subscriptions.list({
      customer: customer.id,
      status: 'active',
    });
    expect(subscriptions.data.map((s) => s.id)).toEqual([subscriptionId]);
  });

  it('creates the customer at payment when the session had none', async () => {
    const session = await fixture.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: PRO_PRICE, quantity: 1 }],
      success_url: 'http://127.0.0.1:5000/ok',
    });
    const page = await getHtml(session.url ?? '');
    expect(page.html).toMatch(
      /<label for="email">Email<\/label\s*><input id="email" name="email" type="email"/,
    );
    const paid = await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed', email: 'new@example.com' });
    expect(paid.status).toBe(303);
    const completed = await fixture.stripe.checkout.sessions.retrieve(session.id, { expand: ['customer'] });
    expect((completed.customer as Stripe.Customer).email).toBe('new@example.com');
    expect(completed.customer_details?.email).toBe('new@example.com');
  });

  it('redirects a second click on Pay without creating a second subscription', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'twice@example.com' });
    const session = await newSession(customer);
    await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' });
    const again = await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' });
    expect(again.status).toBe(303);
    const subscriptions = await fixture.stripe.subscriptions.list({ customer: customer.id });
    expect(subscriptions.data).toHaveLength(1);
    const closed = await getHtml(session.url ?? '');
    expect(closed.html).toContain('This checkout session is complete');
  });
});

describe('checkout: declines, expiry, delivery order', () => {
  it('shows a declined card and leaves the session open, creating nothing', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'declined@example.com' });
    const session = await newSession(customer);
    const declined = await postForm(`${session.url ?? ''}/pay`, { outcome: 'decline' });
    expect(declined.status).toBe(402);
    expect(await declined.text()).toContain('role="alert" id="payment-error">Your card was declined.');
    expect((await fixture.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    expect((await fixture.stripe.subscriptions.list({ customer: customer.id, status: 'all' })).data).toEqual(
      [],
    );
  });

  it('expires an open session, sends checkout.session.expired and refuses a second expiry', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'expire@example.com' });
    const session = await newSession(customer);
    const expired = await fixture.stripe.checkout.sessions.expire(session.id);
    expect(expired).toMatchObject({ status: 'expired', url: null });
    await fixture.receiver.waitForTypes(customer.id, ['checkout.session.expired']);
    const page = await getHtml(`${fixture.standIn.url}/checkout/${session.id}`);
    expect(page.html).toContain('This checkout session has expired');
    const paying = await postForm(`${fixture.standIn.url}/checkout/${session.id}/pay`, {
      outcome: 'succeed',
    });
    expect(paying.status).toBe(409);
    await expect(fixture.stripe.checkout.sessions.expire(session.id)).rejects.toBeInstanceOf(
      Stripe.errors.StripeInvalidRequestError,
    );
  });

  it('delivers a batch in reverse order when asked to', async () => {
    fixture.standIn.setDeliveryOrder('reversed');
    try {
      const customer = await fixture.stripe.customers.create({ email: 'reversed@example.com' });
      const session = await newSession(customer);
      await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' });
      const webhooks = await fixture.receiver.waitForTypes(customer.id, [
        'customer.subscription.created',
        'checkout.session.completed',
      ]);
      const types = typesOf(webhooks.filter((w) => w.event.type !== 'customer.created'));
      expect(types[0]).toBe('checkout.session.completed');
      expect(types.at(-1)).toBe('customer.subscription.created');
      // Only delivery is reversed: the events API still lists them in creation order.
      const listed = await fixture.stripe.events.list({ limit: 10 });
      const ours = listed.data.filter((event) => belongsTo(event, customer.id)).map((event) => event.type);
      expect(ours[0]).toBe('checkout.session.completed');
      expect(ours.at(-1)).toBe('customer.created');
    } finally {
      fixture.standIn.setDeliveryOrder('realistic');
    }
  });

  it('delivers every event of a shuffled batch exactly once', async () => {
    fixture.standIn.setDeliveryOrder('shuffled');
    try {
      const customer = await fixture.stripe.customers.create({ email: 'shuffled@example.com' });
      const session = await newSession(customer);
      await postForm(`${session.url ?? ''}/pay`, { outcome: 'succeed' });
      const expected = [
        'customer.subscription.created',
        'invoice.created',
        'invoice.finalized',
        'invoice.paid',
        'invoice.payment_succeeded',
        'checkout.session.completed',
      ];
      await fixture.receiver.waitForTypes(customer.id, expected);
      await fixture.standIn.deliveriesIdle();
      const received = fixture.receiver.received.filter(
        (w) => belongsTo(w.event, customer.id) && w.event.type !== 'customer.created',
      );
      expect(typesOf(received).sort()).toEqual([...expected].sort());
    } finally {
      fixture.standIn.setDeliveryOrder('realistic');
    }
  });

  it('refuses checkout modes and inline prices it does not model', async () => {
    const customer = await fixture.stripe.customers.create({ email: 'modes@example.com' });
    await expect(
      fixture.stripe.checkout.sessions.create({
        mode: 'setup',
        customer: customer.id,
        success_url: 'http://x.test/',
      }),
    ).rejects.toMatchObject({ param: 'mode' });
    await expect(
      fixture.stripe.checkout.sessions.create({
        mode: 'payment',
        customer: customer.id,
        line_items: [{ price: PRO_PRICE, quantity: 1 }],
        success_url: 'http://x.test/',
      }),
    ).rejects.toMatchObject({
      param: 'line_items[0][price]',
      message: expect.stringContaining('recurring price'),
    });
    await expect(
      fixture.stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        line_items: [{ price: PRO_PRICE, quantity: 1 }],
        ui_mode: 'hosted',
      }),
    ).rejects.toMatchObject({ param: 'ui_mode', statusCode: 400 });
    await expect(
      fixture.stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customer.id,
        customer_email: 'a@b.c',
        line_items: [{ price: PRO_PRICE, quantity: 1 }],
      }),
    ).rejects.toMatchObject({ param: 'customer_email' });
  });
});
