import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  ENTERPRISE_PRICE,
  getHtml,
  postForm,
  PRO_PRICE,
  subscribe,
  TEST_SECRET,
  useStandInWithReceiver,
} from './helpers.js';

/** A stand-in whose webhooks go to a local receiver, for this file's tests. */
const fixture = useStandInWithReceiver();

const RETURN_URL = 'http://127.0.0.1:5000/dashboard/billing';

async function openPortal(customer: string): Promise<Stripe.BillingPortal.Session> {
  return fixture.stripe.billingPortal.sessions.create({ customer, return_url: RETURN_URL });
}

/** Submits one portal action and returns the page it redirects to. */
async function act(
  session: Stripe.BillingPortal.Session,
  subscription: string,
  fields: Record<string, string>,
): Promise<string> {
  const response = await postForm(`${session.url}/subscriptions/${subscription}`, fields);
  expect(response.status).toBe(303);
  const location = response.headers.get('location') ?? '';
  return (await getHtml(new URL(location, fixture.standIn.url).toString())).html;
}

/** The `customer.subscription.*` events for a subscription, waited for until `count` have come. */
async function subscriptionEvents(customer: string, count: number): Promise<Stripe.Event[]> {
  const webhooks = await fixture.receiver.waitFor(
    (w) =>
      w.event.type.startsWith('customer.subscription.') &&
      (w.event.data.object as Stripe.Subscription).customer === customer,
    (matching) => matching.length >= count,
  );
  for (const webhook of webhooks)
    fixture.stripe.webhooks.constructEvent(
      webhook.body,
      String(webhook.headers['stripe-signature']),
      TEST_SECRET,
    );
  return webhooks.map((w) => w.event);
}

describe('billing portal', () => {
  it('creates a session whose url shows the plan, status and renewal date', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    const session = await openPortal(customer.id);
    expect(session).toMatchObject({
      object: 'billing_portal.session',
      customer: customer.id,
      return_url: RETURN_URL,
      livemode: false,
    });
    expect(session.url).toBe(`${fixture.standIn.url}/portal/${session.id}`);

    const { status, html } = await getHtml(session.url);
    expect(status).toBe(200);
    expect(html).toContain('id="plan-name">Keymeter Pro</h2>');
    expect(html).toContain('id="status">Active</span>');
    expect(html).toContain('Renews on');
    expect(html).toContain(`id="switch-to-${ENTERPRISE_PRICE}"`);
    expect(html).toContain(`<a id="return-link" href="${RETURN_URL}">Return to Keymeter</a>`);
    const subscription = await fixture.stripe.subscriptions.retrieve(subscriptionId);
    expect(html).toContain(
      new Date(
        (subscription as unknown as { current_period_end: number }).current_period_end * 1000,
      ).toLocaleDateString('en-US', {
        timeZone: 'UTC',
        year: 'numeric',
        month: 'long',
        day: 'numeric',
      }),
    );
  });

  it('switches plan, sending customer.subscription.updated with the new price', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    const session = await openPortal(customer.id);
    const html = await act(session, subscriptionId, { switch_to: ENTERPRISE_PRICE });
    expect(html).toContain('id="portal-message">Your plan has been changed.');
    expect(html).toContain('id="plan-name">Keymeter Enterprise</h2>');
    expect(html).toContain(`id="switch-to-${PRO_PRICE}"`);

    const events = await subscriptionEvents(customer.id, 2);
    const updated = events.find((e) => e.type === 'customer.subscription.updated');
    const object = updated?.data.object as Stripe.Subscription;
    expect(object.items.data[0]?.price).toMatchObject({
      id: ENTERPRISE_PRICE,
      lookup_key: 'keymeter_enterprise_monthly',
    });
    const previous = updated?.data.previous_attributes as { items: Stripe.ApiList<Stripe.SubscriptionItem> };
    expect(previous.items.data[0]?.price.id).toBe(PRO_PRICE);
    expect((await fixture.stripe.subscriptions.retrieve(subscriptionId)).items.data[0]?.price.id).toBe(
      ENTERPRISE_PRICE,
    );
  });

  it('cancels at period end, then resumes', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    const session = await openPortal(customer.id);

    const scheduled = await act(session, subscriptionId, { action: 'cancel-at-period-end' });
    expect(scheduled).toContain('Cancels on');
    expect(scheduled).toContain('id="resume"');
    let events = await subscriptionEvents(customer.id, 2);
    const cancel = events[1];
    expect(cancel?.type).toBe('customer.subscription.updated');
    expect(cancel?.data.object).toMatchObject({ cancel_at_period_end: true, status: 'active' });
    expect(cancel?.data.previous_attributes).toMatchObject({ cancel_at_period_end: false });
    const cancelAt = (cancel?.data.object as Stripe.Subscription).cancel_at;
    expect(cancelAt).toBe(
      (cancel?.data.object as unknown as { current_period_end: number }).current_period_end,
    );

    const resumed = await act(session, subscriptionId, { action: 'resume' });
    expect(resumed).toContain('Renews on');
    events = await subscriptionEvents(customer.id, 3);
    expect(events[2]?.data.object).toMatchObject({
      cancel_at_period_end: false,
      cancel_at: null,
      canceled_at: null,
    });
    expect(events[2]?.data.previous_attributes).toMatchObject({ cancel_at_period_end: true });
  });

  it('cancels immediately, sending customer.subscription.deleted', async () => {
    const { customer, subscriptionId } = await subscribe(fixture.stripe);
    const session = await openPortal(customer.id);
    const html = await act(session, subscriptionId, { action: 'cancel-now' });
    expect(html).toContain('id="status">Canceled</span>');
    expect(html).toContain('id="no-subscription"');
    const events = await subscriptionEvents(customer.id, 2);
    expect(events[1]?.type).toBe('customer.subscription.deleted');
    expect(events[1]?.data.object).toMatchObject({ id: subscriptionId, status: 'canceled' });
    const ended = events[1]?.data.object as Stripe.Subscription;
    expect(ended.ended_at).toBe(ended.canceled_at);
  });

  it("refuses another customer's subscription and unknown sessions", async () => {
    const mine = await subscribe(fixture.stripe);
    const theirs = await subscribe(fixture.stripe);
    const session = await openPortal(mine.customer.id);
    const response = await postForm(`${session.url}/subscriptions/${theirs.subscriptionId}`, {
      action: 'cancel-now',
    });
    expect(response.status).toBe(404);
    expect((await fixture.stripe.subscriptions.retrieve(theirs.subscriptionId)).status).toBe('active');
    expect((await getHtml(`${fixture.standIn.url}/portal/bps_unknown`)).status).toBe(404);
  });

  it('requires an existing customer', async () => {
    await expect(
      fixture.stripe.billingPortal.sessions.create({ customer: 'cus_nobody' }),
    ).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'customer',
    });
  });
});

describe('subscriptions API', () => {
  it('switches plan with items[0][id] + items[0][price] and schedules cancellation', async () => {
    const { subscriptionId } = await subscribe(fixture.stripe);
    const before = await fixture.stripe.subscriptions.retrieve(subscriptionId);
    const itemId = before.items.data[0]?.id ?? '';
    const switched = await fixture.stripe.subscriptions.update(subscriptionId, {
      items: [{ id: itemId, price: ENTERPRISE_PRICE }],
      proration_behavior: 'none',
    });
    expect(switched.items.data).toHaveLength(1);
    expect(switched.items.data[0]).toMatchObject({ id: itemId, price: { id: ENTERPRISE_PRICE } });

    const scheduled = await fixture.stripe.subscriptions.update(subscriptionId, {
      cancel_at_period_end: true,
    });
    expect(scheduled.cancel_at_period_end).toBe(true);
    expect(scheduled.canceled_at).not.toBeNull();

    const canceled = await fixture.stripe.subscriptions.cancel(subscriptionId);
    expect(canceled).toMatchObject({ status: 'canceled' });
    expect(
      (await fixture.stripe.subscriptions.list({ status: 'canceled', customer: canceled.customer as string }))
        .data,
    ).toHaveLength(1);
    await expect(
      fixture.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: false }),
    ).rejects.toMatchObject({
      statusCode: 400,
      message: 'A canceled subscription can only update its cancellation_details and metadata.',
    });
  });

  it('refuses an unknown subscription item', async () => {
    const { subscriptionId } = await subscribe(fixture.stripe);
    await expect(
      fixture.stripe.subscriptions.update(subscriptionId, {
        items: [{ id: 'si_nope', price: ENTERPRISE_PRICE }],
      }),
    ).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'items[0][id]',
    });
  });
});
