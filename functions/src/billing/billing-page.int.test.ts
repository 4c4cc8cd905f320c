/**
 * The Billing page's routes against the Stripe stand-in: invoices and the upcoming invoice,
 * cancel at period end and resume, and the overage settings with their refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  billingAccountResponseSchema,
  invoicesResponseSchema,
  meResponseSchema,
  upcomingInvoiceResponseSchema,
} from '../shared/contracts.js';
import { AUDIT_LOG } from '../lib/collections.js';
import { errorBodySchema } from '../shared/errors.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { accountRef, subscribe, waitForAccount } from '../test-support/billing.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { useStripeStandIn, type StandIn } from '../test-support/stripe-stand-in.js';

let standIn: StandIn;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
});

afterAll(async () => {
  await standIn.setApiOutage('none');
  await standIn.idle();
  await standIn.stop();
});

async function errorOf(response: Response) {
  return { status: response.status, ...errorBodySchema.parse(await json(response)).error };
}

async function proSubscriber(): Promise<{ user: TestUser; customerId: string; subscriptionId: string }> {
  const user = await createTestUser();
  const subscribed = await subscribe(standIn, user, 'pro');
  await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
  return { user, ...subscribed };
}

const settings = (user: TestUser, body: unknown, prefix = '') =>
  dashboardCall(user, `${prefix}/billing/settings`, { method: 'PUT', body });

describe('invoices and the upcoming invoice', () => {
  it('lists the paid first invoice with its number, amount, status and hosted page', async () => {
    const { user } = await proSubscriber();
    const response = await dashboardCall(user, '/billing/invoices');
    expect(response.status).toBe(200);
    const { invoices } = invoicesResponseSchema.parse(await json(response));
    expect(invoices).toHaveLength(1);
    const [first] = invoices;
    expect(first).toMatchObject({ status: 'paid', total: 2_900, amount_paid: 2_900, currency: 'usd' });
    expect(first?.number).toMatch(/\S/);
    const page = await fetch(first?.hosted_invoice_url ?? '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(first?.number ?? 'no number');
  });

  it('previews the next invoice: the plan’s next period, and no overage yet', async () => {
    const { user } = await proSubscriber();
    const { upcoming } = upcomingInvoiceResponseSchema.parse(
      await json(await dashboardCall(user, '/billing/upcoming')),
    );
    expect(upcoming).not.toBeNull();
    expect(upcoming?.lines.map((line) => [line.kind, line.amount])).toEqual(
      expect.arrayContaining([
        ['plan', 2_900],
        ['overage', 0],
      ]),
    );
    expect(upcoming?.total).toBe(2_900);
  });

  it('answers an account without a subscription with no invoices and no upcoming invoice', async () => {
    const user = await createTestUser();
    expect(invoicesResponseSchema.parse(await json(await dashboardCall(user, '/billing/invoices')))).toEqual({
      invoices: [],
    });
    expect(await json(await dashboardCall(user, '/billing/upcoming'))).toEqual({ upcoming: null });
  });

  it('answers 503 billing_unavailable with Retry-After while Stripe cannot be reached', async () => {
    const { user } = await proSubscriber();
    await standIn.setApiOutage('unreachable');
    try {
      for (const path of ['/billing/invoices', '/billing/upcoming']) {
        const response = await dashboardCall(user, path);
        expect(response.headers.get('retry-after')).toBe('30');
        expect(await errorOf(response)).toMatchObject({ status: 503, code: 'billing_unavailable' });
      }
    } finally {
      await standIn.setApiOutage('none');
    }
  });
});

describe('cancel at period end, and resume', () => {
  it(
    'cancels at period end and resumes, at Stripe and on the account at once',
    { timeout: 30_000 },
    async () => {
      const { user, subscriptionId } = await proSubscriber();
      const canceled = await dashboardCall(user, '/billing/cancel', { method: 'POST' });
      expect(canceled.status).toBe(200);
      const afterCancel = billingAccountResponseSchema.parse(await json(canceled)).account;
      expect(afterCancel).toMatchObject({ plan_tier: 'pro', cancel_at_period_end: true });
      expect((await standIn.stripe.subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(true);
      const me = meResponseSchema.parse(await json(await dashboardCall(user, '/me')));
      expect(me.account.cancel_at_period_end).toBe(true);

      // Asked twice, it changes nothing more.
      const again = await dashboardCall(user, '/billing/cancel', { method: 'POST' });
      expect(billingAccountResponseSchema.parse(await json(again)).account.cancel_at_period_end).toBe(true);

      const resumed = await dashboardCall(user, '/billing/resume', { method: 'POST' });
      expect(resumed.status).toBe(200);
      expect(billingAccountResponseSchema.parse(await json(resumed)).account).toMatchObject({
        plan_tier: 'pro',
        cancel_at_period_end: false,
      });
      expect((await standIn.stripe.subscriptions.retrieve(subscriptionId)).cancel_at_period_end).toBe(false);

      // The webhooks of both changes arrive after the answers and leave the account as it is.
      await standIn.idle();
      expect((await accountRef(user.uid).get()).data()).toMatchObject({
        plan_tier: 'pro',
        cancel_at_period_end: false,
      });

      // Audited once each, by whoever landed the change: Stripe's webhook moved the plan; the
      // holder's request or the webhook that reports it, whichever wrote first, the cancel and
      // the resume (the other found nothing left to change).
      const audit = await adminDb().collection(AUDIT_LOG).where('account_id', '==', user.uid).get();
      const entries = audit.docs
        .map((doc) => ({
          at: doc.get('at').toMillis() as number,
          action: String(doc.get('action')),
          actor: String(doc.get('actor_id')),
        }))
        .sort((a, b) => a.at - b.at);
      expect(entries.map((entry) => entry.action)).toEqual([
        'billing.plan_changed',
        'billing.cancel_requested',
        'billing.resumed',
      ]);
      expect(entries[0]?.actor).toBe('stripe');
      for (const entry of entries.slice(1)) expect([user.uid, 'stripe']).toContain(entry.actor);
    },
  );

  it('refuses an account with nothing to cancel: 400 without a billing account, 409 without a subscription', async () => {
    const user = await createTestUser();
    for (const path of ['/billing/cancel', '/billing/resume'])
      expect(await errorOf(await dashboardCall(user, path, { method: 'POST' }))).toMatchObject({
        status: 400,
        code: 'no_billing_account',
      });
    const { user: ended, subscriptionId } = await proSubscriber();
    await standIn.stripe.subscriptions.cancel(subscriptionId);
    await standIn.idle();
    await waitForAccount(ended.uid, (data) => data.plan_tier === 'free');
    expect(await errorOf(await dashboardCall(ended, '/billing/cancel', { method: 'POST' }))).toMatchObject({
      status: 409,
      code: 'no_subscription',
    });
  });

  it('lets only the owner of a team cancel', async () => {
    const [owner, admin] = await Promise.all([createTestUser(), createTestUser()]);
    const team = await insertTeamAccount([
      [owner, 'owner'],
      [admin, 'admin'],
    ]);
    const response = await dashboardCall(admin, `/accounts/${team}/billing/cancel`, { method: 'POST' });
    expect(await errorOf(response)).toMatchObject({ status: 403, code: 'forbidden' });
  });
});

describe('overage settings', () => {
  it('lets a Pro account allow overage up to a cap, which the account then carries', async () => {
    const { user } = await proSubscriber();
    const response = await settings(user, { overage: 'allow', spend_cap_cents: 2_500 });
    expect(response.status).toBe(200);
    expect(billingAccountResponseSchema.parse(await json(response)).account.billing_settings).toEqual({
      overage: 'allow',
      spend_cap_cents: 2_500,
    });
    expect((await accountRef(user.uid).get()).get('billing_settings')).toEqual({
      overage: 'allow',
      spend_cap_cents: 2_500,
    });
    const back = await settings(user, { overage: 'stop', spend_cap_cents: null });
    expect(billingAccountResponseSchema.parse(await json(back)).account.billing_settings).toEqual({
      overage: 'stop',
      spend_cap_cents: null,
    });
  });

  it('gives a subscription without the overage price the plan’s metered price before allowing overage', async () => {
    const { user, subscriptionId } = await proSubscriber();
    const subscription = await standIn.stripe.subscriptions.retrieve(subscriptionId);
    const metered = subscription.items.data.find((item) => item.price.id === 'price_keymeter_pro_overage');
    if (metered === undefined) throw new Error('checkout did not add the overage price');
    await standIn.stripe.subscriptions.update(subscriptionId, { items: [{ id: metered.id, deleted: true }] });

    expect((await settings(user, { overage: 'allow', spend_cap_cents: null })).status).toBe(200);
    const items = (await standIn.stripe.subscriptions.retrieve(subscriptionId)).items.data;
    expect(items.map((item) => item.price.id).sort()).toEqual([
      'price_keymeter_pro_monthly',
      'price_keymeter_pro_overage',
    ]);
  });

  it('refuses overage on Free and bad caps with 400, writing nothing', async () => {
    const user = await createTestUser();
    expect((await dashboardCall(user, '/me')).status).toBe(200);
    const before = (await accountRef(user.uid).get()).data();
    const free = await settings(user, { overage: 'allow', spend_cap_cents: null });
    expect(await errorOf(free)).toMatchObject({ status: 400, code: 'invalid_request', field: 'overage' });
    for (const [body, field] of [
      [{ overage: 'allow', spend_cap_cents: 0 }, 'spend_cap_cents'],
      [{ overage: 'allow', spend_cap_cents: 12.5 }, 'spend_cap_cents'],
      [{ overage: 'allow', spend_cap_cents: 100_000_001 }, 'spend_cap_cents'],
      [{ overage: 'sometimes', spend_cap_cents: null }, 'overage'],
      [{ overage: 'stop' }, 'spend_cap_cents'],
      [{ overage: 'stop', spend_cap_cents: null, plan: 'pro' }, 'plan'],
    ] as const) {
      expect(await errorOf(await settings(user, body)), JSON.stringify(body)).toMatchObject({
        status: 400,
        code: 'invalid_request',
        field,
      });
    }
    expect((await accountRef(user.uid).get()).data()).toEqual(before);
  });

  it('lets only the owner change them', async () => {
    const [owner, admin] = await Promise.all([createTestUser(), createTestUser()]);
    const team = await insertTeamAccount(
      [
        [owner, 'owner'],
        [admin, 'admin'],
      ],
      { plan_tier: 'pro' },
    );
    const response = await settings(admin, { overage: 'stop', spend_cap_cents: null }, `/accounts/${team}`);
    expect(await errorOf(response)).toMatchObject({ status: 403, code: 'forbidden' });
  });
});
