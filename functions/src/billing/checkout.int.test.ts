/**
 * Checkout and the Customer Portal against the Stripe stand-in: upgrading through the hosted
 * Checkout page, one customer per account even under concurrent first clicks, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { meResponseSchema, redirectResponseSchema } from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import { PLANS } from '../shared/plans.js';
import {
  accountRef,
  expectKeysOnPlan,
  startCheckout,
  subscribe,
  waitForAccount,
} from '../test-support/billing.js';
import {
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  HOSTING_URL,
  json,
} from '../test-support/emulators.js';
import { createKeyViaApi, insertKey } from '../test-support/fixtures.js';
import { payCheckout, useStripeStandIn, type StandIn } from '../test-support/stripe-stand-in.js';
import { ensureStripeCustomer } from './customer.js';

let standIn: StandIn;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
});

afterAll(async () => {
  await standIn.idle();
  await standIn.stop();
});

async function errorOf(response: Response) {
  return { status: response.status, ...errorBodySchema.parse(await json(response)).error };
}

/** A stand-in page's `<main>`, with the whitespace between and around tags taken out. */
function mainOf(page: string): string {
  const main = /<main>([\s\S]*)<\/main>/.exec(page)?.[1] ?? page;
  return main.replace(/>\s+</g, '><').replace(/\s+/g, ' ').trim();
}

async function customersOf(uid: string): Promise<string[]> {
  const found = await standIn.stripe.customers.search({ query: `metadata['firebase_uid']:'${uid}'` });
  return found.data.map((customer) => customer.id);
}

describe('checkout: happy path', () => {
  it('upgrades a Free account to Pro: Checkout for its own customer, paid on the hosted page, then the plan and every key', async () => {
    const user = await createTestUser({ name: 'Grace Hopper' });
    await createKeyViaApi(user, { label: 'Production' });
    await createKeyViaApi(user, { label: 'Staging' });
    await insertKey(user.uid, {
      tier: 'free',
      revoked: true,
      limits: { rate_limit_monthly: 1_000, rate_limit_per_minute: 10 },
    });

    const url = await startCheckout(user, 'pro');
    expect(url.startsWith(`${standIn.url}/checkout/cs_`)).toBe(true);
    const customerId: unknown = (await accountRef(user.uid).get()).get('stripe_customer_id');
    expect(customerId).toMatch(/^cus_/);
    const customer = await standIn.stripe.customers.retrieve(String(customerId));
    expect(customer).toMatchObject({
      email: user.email,
      name: 'Grace Hopper',
      metadata: { firebase_uid: user.uid },
    });

    const sessionId = new URL(url).pathname.split('/').pop() ?? '';
    const session = await standIn.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
    expect(session).toMatchObject({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: user.uid,
      metadata: { firebase_uid: user.uid },
      success_url: `${HOSTING_URL}/dashboard/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${HOSTING_URL}/dashboard/billing?checkout=canceled`,
    });
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([
      ['price_keymeter_pro_monthly', 1],
    ]);

    const paid = await payCheckout(url);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(
      `${HOSTING_URL}/dashboard/billing?checkout=success&session_id=${sessionId}`,
    );
    const completed = await standIn.stripe.checkout.sessions.retrieve(sessionId);
    const subscription = await standIn.stripe.subscriptions.retrieve(String(completed.subscription));
    expect(subscription.metadata).toMatchObject({ firebase_uid: user.uid });

    const account = await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    expect(account).toMatchObject({
      stripe_customer_id: customerId,
      subscription_status: 'active',
      stripe_subscription_id: subscription.id,
      cancel_at_period_end: false,
    });
    expect(account.current_period_end.toMillis()).toBe(periodEnd * 1000);
    await expectKeysOnPlan(user.uid, 'pro', 3);

    const me = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(me.user).toMatchObject({
      plan_tier: 'pro',
      subscription_status: 'active',
      current_period_end: new Date(periodEnd * 1000).toISOString(),
      cancel_at_period_end: false,
    });
    expect(me.usage.limit_per_key).toBe(PLANS.pro.monthly_limit);
  });

  it('lets a key that used up the Free quota call again once the account is on Pro', async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    const key = await insertKey(user.uid, {
      tier: 'free',
      limits: {
        rate_limit_monthly: PLANS.free.monthly_limit,
        rate_limit_per_minute: PLANS.free.per_minute_limit,
      },
      usage: { monthly_usage: PLANS.free.monthly_limit, usage_period: utcPeriod(new Date()) },
    });
    const refused = await apiCall(key.secret, '/time');
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('quota_exceeded');

    await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    await expectKeysOnPlan(user.uid, 'pro', 1);
    // API instances cache keys for KEY_CACHE_TTL (1 s in the emulator), so the new limit lands within it.
    await vi.waitFor(
      async () => {
        const response = await apiCall(key.secret, '/time');
        await response.arrayBuffer();
        expect(response.status).toBe(200);
      },
      { timeout: 10_000, interval: 250 },
    );
  });
});

describe('checkout: errors', () => {
  it('gives an account that already pays no second subscription, judged by Stripe even before the webhook', async () => {
    const user = await createTestUser();
    const { customerId } = await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');

    const samePlan = await dashboardCall(user, '/billing/checkout', {
      method: 'POST',
      body: { plan: 'pro' },
    });
    expect(await errorOf(samePlan)).toMatchObject({ status: 400, code: 'already_on_plan' });
    const otherPlan = await dashboardCall(user, '/billing/checkout', {
      method: 'POST',
      body: { plan: 'enterprise' },
    });
    expect(await errorOf(otherPlan)).toMatchObject({
      status: 409,
      code: 'already_subscribed',
      message: expect.stringMatching(/billing portal/),
    });

    // As if the webhook had not arrived yet: Firestore still says Free, Stripe says Pro.
    await accountRef(user.uid).update({ plan_tier: 'free', subscription_status: null });
    const again = await dashboardCall(user, '/billing/checkout', { method: 'POST', body: { plan: 'pro' } });
    expect(await errorOf(again)).toMatchObject({ status: 400, code: 'already_on_plan' });
    const upgrade = await dashboardCall(user, '/billing/checkout', {
      method: 'POST',
      body: { plan: 'enterprise' },
    });
    expect(await errorOf(upgrade)).toMatchObject({ status: 409, code: 'already_subscribed' });

    const sessions = await standIn.stripe.checkout.sessions.list({ customer: customerId });
    expect(sessions.data).toHaveLength(1);
  });

  it('expires an earlier open Checkout when the account starts another, so only one can be paid', async () => {
    const user = await createTestUser();
    const first = await startCheckout(user, 'pro');
    const second = await startCheckout(user, 'enterprise');
    const sessionOf = (url: string) =>
      standIn.stripe.checkout.sessions.retrieve(new URL(url).pathname.split('/').pop() ?? '');
    expect((await sessionOf(first)).status).toBe('expired');
    expect((await sessionOf(second)).status).toBe('open');

    // Stripe's hosted page for an expired session: 409, no redirect, the "expired" page.
    const refused = await payCheckout(first);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('location')).toBeNull();
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(mainOf(await refused.text())).toBe(
      [
        '<p class="banner">Test mode — local Stripe stand-in. No real payment is taken.</p>',
        '<h1>This checkout session has expired</h1>',
        '<p id="checkout-closed">The link is no longer valid. Start again from Keymeter.</p>',
        `<p><a id="cancel-link" href="${HOSTING_URL}/dashboard/billing?checkout=canceled">Return to Keymeter</a></p>`,
      ].join(''),
    );
    expect(await sessionOf(first)).toMatchObject({ status: 'expired', subscription: null });

    const paid = await payCheckout(second);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(
      `${HOSTING_URL}/dashboard/billing?checkout=success&session_id=${(await sessionOf(second)).id}`,
    );
    await waitForAccount(user.uid, (data) => data.plan_tier === 'enterprise');
    const customerId = String((await accountRef(user.uid).get()).get('stripe_customer_id'));
    const subscriptions = await standIn.stripe.subscriptions.list({ customer: customerId, status: 'all' });
    expect(subscriptions.data.map((subscription) => subscription.items.data[0]?.price.id)).toEqual([
      'price_keymeter_enterprise_monthly',
    ]);
  });

  it('refuses an unknown plan and Free, which is not bought', async () => {
    const user = await createTestUser();
    for (const plan of ['free', 'platinum']) {
      const response = await dashboardCall(user, '/billing/checkout', { method: 'POST', body: { plan } });
      expect(await errorOf(response)).toMatchObject({ status: 400, code: 'invalid_request', field: 'plan' });
    }
    expect((await accountRef(user.uid).get()).get('stripe_customer_id')).toBeUndefined();
  });
});

describe('checkout: one customer per account under concurrency', () => {
  it('creates exactly one customer for six simultaneous first clicks', async () => {
    const user = await createTestUser();
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        dashboardCall(user, '/billing/checkout', { method: 'POST', body: { plan: 'pro' } }),
      ),
    );
    const urls: string[] = [];
    for (const response of responses) {
      const body = await json(response);
      expect(response.status, JSON.stringify(body)).toBe(200);
      urls.push(redirectResponseSchema.parse(body).url);
    }
    const stored = (await accountRef(user.uid).get()).get('stripe_customer_id') as string;
    expect(await customersOf(user.uid)).toEqual([stored]);
    for (const url of urls) {
      const session = await standIn.stripe.checkout.sessions.retrieve(
        new URL(url).pathname.split('/').pop() ?? '',
      );
      expect(session.customer).toBe(stored);
    }
  });

  it('creates one customer for simultaneous creations with the same parameters (one idempotency key)', async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    const owner = { uid: user.uid, email: user.email, name: 'Same name' };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => ensureStripeCustomer(standIn.stripe, owner, undefined)),
    );
    const stored = (await accountRef(user.uid).get()).get('stripe_customer_id') as string;
    expect(results).toEqual(Array.from({ length: 6 }, () => ({ customerId: stored, isNew: true })));
    expect(await customersOf(user.uid)).toEqual([stored]);
  });

  it('keeps one customer when concurrent creations differ, and deletes the extra one', async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    // Different parameters mean different idempotency keys: Stripe makes two customers.
    const owners = [
      { uid: user.uid, email: user.email, name: 'Before rename' },
      { uid: user.uid, email: user.email, name: 'After rename' },
    ];
    const results = await Promise.all(
      owners.map((owner) => ensureStripeCustomer(standIn.stripe, owner, undefined)),
    );
    const stored = (await accountRef(user.uid).get()).get('stripe_customer_id') as string;
    expect(results.map((result) => result.customerId)).toEqual([stored, stored]);
    expect(await customersOf(user.uid)).toEqual([stored]);
    const created = await standIn.stripe.customers.list({ email: user.email });
    expect(created.data.map((customer) => customer.id)).toEqual([stored]);
  });
});

describe('portal', () => {
  it('answers 400 no_billing_account to an account that never checked out', async () => {
    const user = await createTestUser();
    const response = await dashboardCall(user, '/billing/portal', { method: 'POST' });
    expect(await errorOf(response)).toMatchObject({ status: 400, code: 'no_billing_account' });
  });

  it("opens the portal of the account's own customer, returning to /dashboard/billing", async () => {
    const user = await createTestUser();
    await subscribe(standIn, user, 'enterprise');
    const response = await dashboardCall(user, '/billing/portal', { method: 'POST' });
    expect(response.status).toBe(200);
    const { url } = redirectResponseSchema.parse(await json(response));
    expect(url.startsWith(`${standIn.url}/portal/`)).toBe(true);
    const page = await (await fetch(url)).text();
    expect(page).toContain(`id="return-link" href="${HOSTING_URL}/dashboard/billing"`);
    expect(page).toContain(user.email);
    expect(page).toContain('Keymeter Enterprise');
  });
});
