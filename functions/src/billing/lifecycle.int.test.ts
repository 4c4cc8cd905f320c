/**
 * A subscription's life after Checkout, driven through the Billing page's plan switch and the
 * stand-in's hosted portal and clock: plan switches, cancellation at period end, failed renewals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  billingAccountResponseSchema,
  meResponseSchema,
  redirectResponseSchema,
} from '../shared/contracts.js';
import { PLANS } from '../shared/plans.js';
import { accountRef, expectAccountOnPlan, subscribe, waitForAccount } from '../test-support/billing.js';
import {
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import { portalAction, useStripeStandIn, type StandIn } from '../test-support/stripe-stand-in.js';

let standIn: StandIn;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
});

afterAll(async () => {
  await standIn.idle();
  await standIn.stop();
});

async function openPortal(user: TestUser): Promise<string> {
  const response = await dashboardCall(user, '/billing/portal', { method: 'POST' });
  expect(response.status).toBe(200);
  return redirectResponseSchema.parse(await json(response)).url;
}

describe('subscription lifecycle', () => {
  it("switching to Enterprise on the Billing page moves the subscription's plan and overage prices, and the account's plan", async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'a' });
    const { subscriptionId } = await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');

    const switched = await dashboardCall(user, '/billing/plan', {
      method: 'POST',
      body: { plan: 'enterprise' },
    });
    expect(switched.status).toBe(200);
    expect(billingAccountResponseSchema.parse(await json(switched)).account.plan_tier).toBe('enterprise');
    await expectAccountOnPlan(user.uid, 'enterprise');
    expect((await accountRef(user.uid).get()).get('stripe_subscription_id')).toBe(subscriptionId);
    const items = (await standIn.stripe.subscriptions.retrieve(subscriptionId)).items.data;
    expect(items.map((item) => item.price.id).sort()).toEqual([
      'price_keymeter_enterprise_monthly',
      'price_keymeter_enterprise_overage',
    ]);
    await standIn.idle();
    await expectAccountOnPlan(user.uid, 'enterprise');

    const again = await dashboardCall(user, '/billing/plan', {
      method: 'POST',
      body: { plan: 'enterprise' },
    });
    expect(again.status).toBe(400);
  });

  it("cancelling at period end keeps the plan until the period ends, then Free with Free's limits", async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'a' });
    await createKeyViaApi(user, { label: 'b' });
    const { subscriptionId } = await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');

    const canceled = await portalAction(await openPortal(user), subscriptionId, {
      action: 'cancel-at-period-end',
    });
    expect(canceled.status).toBe(303);
    const scheduled = await waitForAccount(user.uid, (data) => data.cancel_at_period_end === true);
    expect(scheduled).toMatchObject({ plan_tier: 'pro', subscription_status: 'active' });
    await expectAccountOnPlan(user.uid, 'pro');

    await standIn.advanceClock({ to_period_end_of: subscriptionId });
    const ended = await waitForAccount(user.uid, (data) => data.plan_tier === 'free');
    expect(ended).toMatchObject({
      subscription_status: 'canceled',
      stripe_subscription_id: subscriptionId,
      current_period_end: null,
      cancel_at_period_end: false,
    });
    await expectAccountOnPlan(user.uid, 'free');
    const me = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(me.account).toMatchObject({
      plan_tier: 'free',
      subscription_status: 'canceled',
      current_period_end: null,
    });
    expect(me.usage.quota).toBe(PLANS.free.monthly_limit);
  });

  it('a failed renewal leaves the account past due on its plan; when Stripe gives up, Free', async () => {
    const user = await createTestUser();
    await createKeyViaApi(user, { label: 'a' });
    const { subscriptionId } = await subscribe(standIn, user, 'enterprise', { renewals: 'fail' });
    await waitForAccount(user.uid, (data) => data.plan_tier === 'enterprise');

    await standIn.advanceClock({ to_period_end_of: subscriptionId });
    const pastDue = await waitForAccount(user.uid, (data) => data.subscription_status === 'past_due');
    expect(pastDue.plan_tier).toBe('enterprise');
    await expectAccountOnPlan(user.uid, 'enterprise');

    // The stand-in retries 3 days after the failure, 5 days after that and 7 after that (15 in
    // all), then cancels the subscription. Each failed retry keeps it past due.
    await standIn.advanceClock({ days: 14 });
    expect((await accountRef(user.uid).get()).data()).toMatchObject({
      plan_tier: 'enterprise',
      subscription_status: 'past_due',
    });
    await standIn.advanceClock({ days: 2 });
    const ended = await waitForAccount(user.uid, (data) => data.plan_tier === 'free');
    expect(ended.subscription_status).toBe('canceled');
    await expectAccountOnPlan(user.uid, 'free');
  });

  it('a past-due account that pays in the portal is active again, on its plan throughout', async () => {
    const user = await createTestUser();
    const { subscriptionId } = await subscribe(standIn, user, 'pro', { renewals: 'fail' });
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    await standIn.advanceClock({ to_period_end_of: subscriptionId });
    await waitForAccount(user.uid, (data) => data.subscription_status === 'past_due');

    const paid = await portalAction(await openPortal(user), subscriptionId, { action: 'pay-now' });
    expect(paid.status).toBe(303);
    const active = await waitForAccount(user.uid, (data) => data.subscription_status === 'active');
    expect(active.plan_tier).toBe('pro');
  });
});

describe('billing account and account deletion', () => {
  it('/me says whether there is a billing account; deleting the account ends the subscription', async () => {
    const user = await createTestUser();
    const before = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(before.account.has_billing_account).toBe(false);

    const { customerId, subscriptionId } = await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    const after = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(after.account.has_billing_account).toBe(true);

    expect((await dashboardCall(user, '/me', { method: 'DELETE' })).status).toBe(204);
    // A deleted account is never charged again: its customer and subscription are gone at Stripe.
    expect((await standIn.stripe.subscriptions.retrieve(subscriptionId)).status).toBe('canceled');
    expect(await standIn.stripe.customers.retrieve(customerId)).toMatchObject({ deleted: true });
    expect((await accountRef(user.uid).get()).exists).toBe(false);
  });
});
