/**
 * Stripe guarantees neither the order nor the uniqueness of webhook deliveries. Whatever order a
 * subscription's lifecycle events arrive in, the account ends on the plan Stripe has now.
 */
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRIPE_EVENTS } from '../lib/collections.js';
import type { PlanTier } from '../shared/plans.js';
import { redirectResponseSchema } from '../shared/contracts.js';
import { accountRef, expectAccountOnPlan, subscribe, waitForAccount } from '../test-support/billing.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import {
  portalAction,
  postWebhook,
  signature,
  useStripeStandIn,
  type DeliveryOrder,
  type StandIn,
} from '../test-support/stripe-stand-in.js';
import { HANDLED_EVENT_TYPES } from './webhook-events.js';

let standIn: StandIn;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
});

afterAll(async () => {
  await standIn.setDeliveryOrder('realistic');
  await standIn.idle();
  await standIn.stop();
});

async function openPortal(user: TestUser): Promise<string> {
  const response = await dashboardCall(user, '/billing/portal', { method: 'POST' });
  expect(response.status).toBe(200);
  return redirectResponseSchema.parse(await json(response)).url;
}

/**
 * The switch the Billing page makes (POST /billing/plan): the portal cannot change a subscription
 * that carries the metered overage price besides the plan.
 */
async function switchToEnterprise(user: TestUser): Promise<void> {
  const response = await dashboardCall(user, '/billing/plan', {
    method: 'POST',
    body: { plan: 'enterprise' },
  });
  expect(response.status).toBe(200);
}

/** The handled events Stripe (the stand-in) has sent about this customer, oldest first. */
async function lifecycleEvents(customerId: string): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for await (const event of standIn.stripe.events.list({ types: [...HANDLED_EVENT_TYPES], limit: 100 })) {
    if ((event.data.object as { customer?: unknown }).customer === customerId) events.push(event);
  }
  return events.reverse();
}

/** A small seeded generator, so a failing order can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const result = [...items];
  let state = seed;
  for (let i = result.length - 1; i > 0; i -= 1) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

function orders<T>(items: readonly T[]): T[][] {
  return [[...items], [...items].reverse(), ...[1, 2, 3, 4, 5, 6].map((seed) => shuffled(items, seed))];
}

/** Forgets that the events were processed and puts the account in a wrong state on purpose. */
async function forget(uid: string, events: readonly Stripe.Event[], wrong: PlanTier): Promise<void> {
  const batch = adminDb().batch();
  for (const event of events) batch.delete(adminDb().collection(STRIPE_EVENTS).doc(event.id));
  batch.update(accountRef(uid), { plan_tier: wrong, subscription_status: null, cancel_at_period_end: false });
  await batch.commit();
}

/** Sends the recorded events by hand, correctly signed, in the given order. */
async function deliver(events: readonly Stripe.Event[]): Promise<void> {
  for (const event of events) {
    const payload = await standIn.rawEvent(event.id);
    const response = await postWebhook(payload, {
      'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret),
    });
    expect(response.status, `${event.type} ${event.id}`).toBe(200);
    await response.arrayBuffer();
  }
}

describe('webhook order: recorded events, sent in permuted orders', () => {
  it('ends on the plan Stripe has now, in every order: an upgrade, then a switch to Enterprise', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'a' });
    await createKeyViaApi(user, { label: 'b' });
    const { customerId, subscriptionId } = await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    await switchToEnterprise(user);
    await waitForAccount(user.uid, (data) => data.plan_tier === 'enterprise');
    await standIn.idle();

    const events = await lifecycleEvents(customerId);
    expect(new Set(events.map((event) => event.type))).toEqual(
      new Set([
        'customer.subscription.created',
        'invoice.paid',
        'checkout.session.completed',
        'customer.subscription.updated',
      ]),
    );
    for (const order of orders(events)) {
      await forget(user.uid, events, 'free');
      await deliver(order);
      const account = (await accountRef(user.uid).get()).data();
      expect(account, order.map((event) => event.type).join(' → ')).toMatchObject({
        plan_tier: 'enterprise',
        subscription_status: 'active',
        stripe_subscription_id: subscriptionId,
      });
      await expectAccountOnPlan(user.uid, 'enterprise');
    }

    // All at once, as Stripe may send them: the transactions contend on the account and retry.
    await forget(user.uid, events, 'free');
    await Promise.all(events.map((event) => deliver([event])));
    expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('enterprise');
    await expectAccountOnPlan(user.uid, 'enterprise');
  });

  it('ends on Free in every order once the subscription was canceled at period end and ended', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'a' });
    const { customerId, subscriptionId } = await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    await portalAction(await openPortal(user), subscriptionId, { action: 'cancel-at-period-end' });
    await waitForAccount(user.uid, (data) => data.cancel_at_period_end === true);
    await standIn.advanceClock({ to_period_end_of: subscriptionId });
    await waitForAccount(user.uid, (data) => data.plan_tier === 'free');

    const events = await lifecycleEvents(customerId);
    expect(events.map((event) => event.type)).toContain('customer.subscription.deleted');
    for (const order of orders(events)) {
      await forget(user.uid, events, 'pro');
      await deliver(order);
      const account = (await accountRef(user.uid).get()).data();
      expect(account, order.map((event) => event.type).join(' → ')).toMatchObject({
        plan_tier: 'free',
        subscription_status: 'canceled',
        cancel_at_period_end: false,
      });
      await expectAccountOnPlan(user.uid, 'free');
    }
  });
});

describe("webhook order: the stand-in's own deliveries, reversed and shuffled", () => {
  it.each<DeliveryOrder>(['reversed', 'shuffled'])(
    'follows a whole lifecycle with %s deliveries: Pro, Enterprise, cancel at period end, Free',
    async (order) => {
      await standIn.setDeliveryOrder(order);
      try {
        const user = await createTestUser();
        await createKeyViaApi(user, { label: 'a' });
        const { subscriptionId } = await subscribe(standIn, user, 'pro');
        await standIn.idle();
        expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('pro');
        await expectAccountOnPlan(user.uid, 'pro');

        const portal = await openPortal(user);
        await switchToEnterprise(user);
        await standIn.idle();
        expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('enterprise');
        await expectAccountOnPlan(user.uid, 'enterprise');

        await portalAction(portal, subscriptionId, { action: 'cancel-at-period-end' });
        await standIn.idle();
        expect((await accountRef(user.uid).get()).data()).toMatchObject({
          plan_tier: 'enterprise',
          cancel_at_period_end: true,
        });

        await standIn.advanceClock({ to_period_end_of: subscriptionId });
        expect((await accountRef(user.uid).get()).data()).toMatchObject({
          plan_tier: 'free',
          subscription_status: 'canceled',
        });
        await expectAccountOnPlan(user.uid, 'free');
      } finally {
        await standIn.setDeliveryOrder('realistic');
      }
    },
  );
});
