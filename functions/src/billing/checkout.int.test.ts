/**
 * Checkout and the Customer Portal against the Stripe stand-in: upgrading through the hosted
 * Checkout page, one customer per account even under concurrent first clicks, and the refusals.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT_BUDGETS } from '../lib/collections.js';
import { accountResponseSchema, meResponseSchema, redirectResponseSchema } from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import { PLANS } from '../shared/plans.js';
import {
  accountRef,
  expectAccountOnPlan,
  startCheckout,
  subscribe,
  waitForAccount,
} from '../test-support/billing.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  HOSTING_URL,
  json,
} from '../test-support/emulators.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
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

async function customersOf(accountId: string): Promise<string[]> {
  const found = await standIn.stripe.customers.search({ query: `metadata['account_id']:'${accountId}'` });
  return found.data.map((customer) => customer.id);
}

describe('checkout: happy path', () => {
  it("upgrades a Free account to Pro: Checkout for the account's own customer, paid on the hosted page, then the account's plan", async () => {
    const user = await createTestUser({ name: 'Grace Hopper' });
    await createKeyViaApi(user, { label: 'Production' });
    await createKeyViaApi(user, { label: 'Staging' });
    await expectAccountOnPlan(user.uid, 'free');

    const url = await startCheckout(user, 'pro');
    expect(url.startsWith(`${standIn.url}/checkout/cs_`)).toBe(true);
    const customerId: unknown = (await accountRef(user.uid).get()).get('stripe_customer_id');
    expect(customerId).toMatch(/^cus_/);
    const customer = await standIn.stripe.customers.retrieve(String(customerId));
    expect(customer).toMatchObject({
      email: user.email,
      name: 'Grace Hopper',
      metadata: { account_id: user.uid },
    });

    const sessionId = new URL(url).pathname.split('/').pop() ?? '';
    const session = await standIn.stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
    expect(session).toMatchObject({
      mode: 'subscription',
      customer: customerId,
      client_reference_id: user.uid,
      metadata: { account_id: user.uid, plan_tier: 'pro' },
      success_url: `${HOSTING_URL}/dashboard/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${HOSTING_URL}/dashboard/billing?checkout=canceled`,
    });
    // The plan, and its metered overage price, billed only if the holder allows overage.
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([
      ['price_keymeter_pro_monthly', 1],
      ['price_keymeter_pro_overage', null],
    ]);

    const paid = await payCheckout(url);
    expect(paid.status).toBe(303);
    expect(paid.headers.get('location')).toBe(
      `${HOSTING_URL}/dashboard/billing?checkout=success&session_id=${sessionId}`,
    );
    const completed = await standIn.stripe.checkout.sessions.retrieve(sessionId);
    const subscription = await standIn.stripe.subscriptions.retrieve(String(completed.subscription));
    expect(subscription.metadata).toMatchObject({ account_id: user.uid });

    const account = await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    const periodEnd = subscription.items.data[0]?.current_period_end ?? 0;
    expect(account).toMatchObject({
      stripe_customer_id: customerId,
      subscription_status: 'active',
      stripe_subscription_id: subscription.id,
      cancel_at_period_end: false,
    });
    expect(account.current_period_end.toMillis()).toBe(periodEnd * 1000);
    await expectAccountOnPlan(user.uid, 'pro');

    const me = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
    expect(me.account).toMatchObject({
      id: user.uid,
      plan_tier: 'pro',
      subscription_status: 'active',
      current_period_end: new Date(periodEnd * 1000).toISOString(),
      cancel_at_period_end: false,
      has_billing_account: true,
    });
    expect(me.usage).toMatchObject({
      quota: PLANS.pro.monthly_limit,
      per_minute_limit: PLANS.pro.per_minute_limit,
    });
  });

  it("lets the account's keys call again once an account that used up the Free quota is on Pro", async () => {
    const user = await createTestUser();
    const { secret } = await createKeyViaApi(user, { label: 'busy' });
    // As if the account's keys had been handed the whole Free quota of this period already.
    await adminDb()
      .collection(ACCOUNT_BUDGETS)
      .doc(user.uid)
      .set({
        account_id: user.uid,
        period: utcPeriod(new Date()),
        period_granted: PLANS.free.monthly_limit,
        windows: {},
      });
    const refused = await apiCall(secret, '/time');
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('quota_exceeded');

    await subscribe(standIn, user, 'pro');
    await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
    await expectAccountOnPlan(user.uid, 'pro');
    // API instances read the account's plan when they next lease budget, so the new quota lands then.
    await vi.waitFor(
      async () => {
        const response = await apiCall(secret, '/time');
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
      message: expect.stringMatching(/Billing page/),
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

describe("checkout and portal: the request's account", () => {
  it("upgrades a team account, not the caller's personal one, through the team's own customer", async () => {
    const owner = await createTestUser({ name: 'Ada Lovelace' });
    await dashboardCall(owner, '/me');
    const teamId = await insertTeamAccount([[owner, 'owner']], { name: 'Analytical Engines' });
    const response = await dashboardCall(owner, `/accounts/${teamId}/billing/checkout`, {
      method: 'POST',
      body: { plan: 'pro' },
    });
    expect(response.status).toBe(200);
    const { url } = redirectResponseSchema.parse(await json(response));
    const teamCustomer = String((await accountRef(teamId).get()).get('stripe_customer_id'));
    expect(await standIn.stripe.customers.retrieve(teamCustomer)).toMatchObject({
      name: 'Analytical Engines',
      email: owner.email,
      metadata: { account_id: teamId },
    });
    expect((await accountRef(owner.uid).get()).get('stripe_customer_id')).toBeUndefined();

    expect((await payCheckout(url)).status).toBe(303);
    await waitForAccount(teamId, (data) => data.plan_tier === 'pro');
    const team = accountResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${teamId}/summary`)),
    );
    expect(team.account).toMatchObject({ id: teamId, kind: 'team', role: 'owner', plan_tier: 'pro' });
    expect(team.account.has_billing_account).toBe(true);
    expect(team.usage.quota).toBe(PLANS.pro.monthly_limit);
    const personal = accountResponseSchema.parse(await json(await dashboardCall(owner, '/summary')));
    expect(personal.account).toMatchObject({ id: owner.uid, plan_tier: 'free', has_billing_account: false });

    const portal = await dashboardCall(owner, `/accounts/${teamId}/billing/portal`, { method: 'POST' });
    expect(portal.status).toBe(200);
    const page = await (await fetch(redirectResponseSchema.parse(await json(portal)).url)).text();
    // The team's subscription, not anyone's personal one (which has no billing account at all).
    expect(page).toContain(String((await accountRef(teamId).get()).get('stripe_subscription_id')));
    expect((await dashboardCall(owner, '/billing/portal', { method: 'POST' })).status).toBe(400);
  });

  it('refuses billing to a member whose role does not allow it (403) and to a non-member (404), writing nothing', async () => {
    const owner = await createTestUser();
    const admin = await createTestUser();
    const outsider = await createTestUser();
    const teamId = await insertTeamAccount([
      [owner, 'owner'],
      [admin, 'admin'],
    ]);
    const before = (await accountRef(teamId).get()).data();
    const calls = [
      ['/billing/checkout', { method: 'POST', body: { plan: 'pro' } }],
      ['/billing/portal', { method: 'POST' }],
    ] as const;
    for (const [path, options] of calls) {
      expect(
        await errorOf(await dashboardCall(admin, `/accounts/${teamId}${path}`, options)),
        path,
      ).toMatchObject({
        status: 403,
        code: 'forbidden',
      });
      expect(
        await errorOf(await dashboardCall(outsider, `/accounts/${teamId}${path}`, options)),
        path,
      ).toMatchObject({ status: 404, code: 'not_found' });
    }
    expect((await accountRef(teamId).get()).data()).toEqual(before);
    expect(await customersOf(teamId)).toEqual([]);
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
    const owner = { accountId: user.uid, email: user.email, name: 'Same name' };
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
      { accountId: user.uid, email: user.email, name: 'Before rename' },
      { accountId: user.uid, email: user.email, name: 'After rename' },
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
