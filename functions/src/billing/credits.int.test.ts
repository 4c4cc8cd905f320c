/**
 * Credit packs against the Stripe stand-in, through the whole stack: Checkout in payment mode,
 * the webhook crediting each paid session once however often and in whatever order it arrives,
 * calls on /v1 drawing the balance to zero and the next one answered 402, and topping up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDIT_LEDGER } from '../lib/collections.js';
import {
  accountExportSchema,
  creditsResponseSchema,
  redirectResponseSchema,
  type CreditsResponse,
} from '../shared/contracts.js';
import { utcDate } from '../shared/dates.js';
import { errorBodySchema } from '../shared/errors.js';
import type { CreditPackId } from '../shared/credit-packs.js';
import { insertTeamAccount } from '../test-support/accounts.js';
import { accountRef, waitForAccount } from '../test-support/billing.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  HOSTING_URL,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { insertKey, setAccountLimits } from '../test-support/fixtures.js';
import {
  payCheckout,
  postWebhook,
  signature,
  useStripeStandIn,
  type StandIn,
} from '../test-support/stripe-stand-in.js';

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

async function errorOf(response: Response) {
  return { status: response.status, ...errorBodySchema.parse(await json(response)).error };
}

async function startCreditsCheckout(user: TestUser, pack: CreditPackId, accountId?: string): Promise<string> {
  const prefix = accountId === undefined ? '' : `/accounts/${accountId}`;
  const response = await dashboardCall(user, `${prefix}/billing/credits/checkout`, {
    method: 'POST',
    body: { pack },
  });
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return redirectResponseSchema.parse(body).url;
}

const sessionIdOf = (url: string) => new URL(url).pathname.split('/').pop() ?? '';

/** The session's checkout.session.completed event as Stripe serves it, to send again by hand. */
async function completedEvent(sessionId: string): Promise<{ id: string; payload: string }> {
  const events = await standIn.stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
  const event = events.data.find((candidate) => (candidate.data.object as { id?: string }).id === sessionId);
  if (event === undefined) throw new Error(`no checkout.session.completed for ${sessionId}`);
  return { id: event.id, payload: await standIn.rawEvent(event.id) };
}

async function sendSigned(payload: string): Promise<{ status: number; outcome: unknown }> {
  const response = await postWebhook(payload, {
    'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret),
  });
  const body = await json<{ outcome?: unknown }>(response);
  return { status: response.status, outcome: body.outcome };
}

async function grantsOf(accountId: string) {
  const grants = await adminDb()
    .collection(CREDIT_LEDGER)
    .where('account_id', '==', accountId)
    .where('kind', '==', 'grant')
    .get();
  return grants.docs.map((doc) => ({
    id: doc.id,
    units: doc.get('units') as unknown,
    amount_cents: doc.get('amount_cents') as unknown,
    price: doc.get('price') as unknown,
  }));
}

async function creditsOf(user: TestUser): Promise<CreditsResponse> {
  const response = await dashboardCall(user, '/billing/credits');
  expect(response.status).toBe(200);
  return creditsResponseSchema.parse(await json(response));
}

async function buyPack(user: TestUser, pack: CreditPackId): Promise<string> {
  const url = await startCreditsCheckout(user, pack);
  expect((await payCheckout(url)).status).toBe(303);
  return sessionIdOf(url);
}

describe('buying credits: happy path', () => {
  it(
    'credits a paid pack exactly once though the webhook arrives four times at once, again later, and out of order',
    { timeout: 60_000 },
    async () => {
      const user = await createTestUser();
      const url = await startCreditsCheckout(user, '10k');
      expect(url.startsWith(`${standIn.url}/checkout/cs_`)).toBe(true);
      const customerId = String((await accountRef(user.uid).get()).get('stripe_customer_id'));
      expect(customerId).toMatch(/^cus_/);
      const sessionA = sessionIdOf(url);
      const session = await standIn.stripe.checkout.sessions.retrieve(sessionA, { expand: ['line_items'] });
      expect(session).toMatchObject({
        mode: 'payment',
        customer: customerId,
        client_reference_id: user.uid,
        metadata: { account_id: user.uid, pack: '10k', credit_units: '10000' },
        success_url: `${HOSTING_URL}/dashboard/billing?credits=success&session_id={CHECKOUT_SESSION_ID}`,
        cancel_url: `${HOSTING_URL}/dashboard/billing?credits=canceled`,
      });
      expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([
        ['price_keymeter_credits_10k', 1],
      ]);
      expect((await accountRef(user.uid).get()).get('credits_granted') ?? 0).toBe(0);

      await standIn.setDeliveryOrder('reversed');
      const paid = await payCheckout(url);
      expect(paid.status).toBe(303);
      expect(paid.headers.get('location')).toBe(
        `${HOSTING_URL}/dashboard/billing?credits=success&session_id=${sessionA}`,
      );
      // The stand-in delivers the event; three more copies race it.
      const eventA = await completedEvent(sessionA);
      const racing = await Promise.all([1, 2, 3].map(() => sendSigned(eventA.payload)));
      await standIn.idle();
      expect(racing.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const delivered = await standIn.deliveries({ event_id: eventA.id });
      expect(delivered.map((delivery) => delivery.status)).toEqual(['succeeded']);
      expect(racing.filter((answer) => answer.outcome === 'applied').length).toBeLessThanOrEqual(1);
      await waitForAccount(user.uid, (data) => data.credits_granted === 10_000);

      // A second pack; then both sessions' events again, the newer first, and the stand-in's resend.
      const sessionB = await buyPack(user, '100k');
      await standIn.idle();
      await waitForAccount(user.uid, (data) => data.credits_granted === 110_000);
      const eventB = await completedEvent(sessionB);
      for (const payload of [eventB.payload, eventA.payload, eventB.payload])
        expect(await sendSigned(payload)).toEqual({ status: 200, outcome: 'duplicate' });
      expect(await standIn.resend(eventA.id)).toMatchObject({ status: 'succeeded' });

      expect((await accountRef(user.uid).get()).get('credits_granted')).toBe(110_000);
      const grants = await grantsOf(user.uid);
      expect(grants.map((grant) => [grant.id, grant.units, grant.amount_cents, grant.price]).sort()).toEqual(
        [
          [`grant_${sessionA}`, 10_000, 500, 'price_keymeter_credits_10k'],
          [`grant_${sessionB}`, 100_000, 4_000, 'price_keymeter_credits_100k'],
        ].sort(),
      );
      const credits = await creditsOf(user);
      expect(credits).toMatchObject({ balance: 110_000, granted: 110_000, used: 0, has_credits: true });
      expect(credits.entries.map((entry) => [entry.kind, entry.units, entry.amount_cents])).toEqual([
        ['grant', 100_000, 4_000],
        ['grant', 10_000, 500],
      ]);
      await standIn.setDeliveryOrder('realistic');
    },
  );

  it(
    'spends included units, then the credits down to zero, answers 402 insufficient_credits, and works again after a top-up',
    { timeout: 90_000 },
    async () => {
      const user = await createTestUser();
      expect((await dashboardCall(user, '/me')).status).toBe(200);
      await setAccountLimits(user.uid, { monthly: 5, per_minute: 600 });
      const key = await insertKey(user.uid);
      await buyPack(user, '10k');
      await waitForAccount(user.uid, (data) => data.credits_granted === 10_000);

      const verify = async (cost: number) =>
        json<{ valid: boolean; code: string; units: number }>(
          await apiCall(null, '/keys/verify', { method: 'POST', body: { key: key.secret, cost } }),
        );
      expect(await verify(5)).toMatchObject({ valid: true, units: 5 });
      expect(await verify(10_000)).toMatchObject({ valid: true, units: 10_000 });
      const refused = await apiCall(key.secret, '/time');
      expect(refused.status).toBe(402);
      expect((await errorOf(refused)).code).toBe('insufficient_credits');

      // The fold debits what was used, once: the balance is zero, never below.
      const account = await waitForAccount(user.uid, (data) => Number(data.credits_used ?? 0) >= 10_000);
      expect(account).toMatchObject({ credits_granted: 10_000, credits_used: 10_000 });
      const credits = await creditsOf(user);
      expect(credits).toMatchObject({ balance: 0, has_credits: true });
      expect(credits.entries.map((entry) => [entry.kind, entry.units, entry.date])).toEqual([
        ['usage', -10_000, utcDate(new Date())],
        ['grant', 10_000, null],
      ]);

      await buyPack(user, '10k');
      await waitForAccount(user.uid, (data) => data.credits_granted === 20_000);
      // The API reads the new grant with its next lease of budget.
      let status = 0;
      const until = Date.now() + 20_000;
      while (status !== 200 && Date.now() < until) status = (await apiCall(key.secret, '/time')).status;
      expect(status).toBe(200);
    },
  );

  it('puts the credit ledger in the data export', async () => {
    const user = await createTestUser();
    const sessionId = await buyPack(user, '10k');
    await waitForAccount(user.uid, (data) => data.credits_granted === 10_000);
    const exported = accountExportSchema.parse(await json(await dashboardCall(user, '/me/export')));
    expect(exported.credit_ledger).toEqual([
      expect.objectContaining({ id: `grant_${sessionId}`, kind: 'grant', units: 10_000, amount_cents: 500 }),
    ]);
    expect(exported.account).toMatchObject({ credits_balance: 10_000, has_credits: true });
  });
});

describe('buying credits: errors and roles', () => {
  it('refuses a pack that does not exist with 400, creating no customer', async () => {
    const user = await createTestUser();
    const response = await dashboardCall(user, '/billing/credits/checkout', {
      method: 'POST',
      body: { pack: '1m' },
    });
    expect(await errorOf(response)).toMatchObject({ status: 400, code: 'invalid_request', field: 'pack' });
    expect((await accountRef(user.uid).get()).get('stripe_customer_id')).toBeUndefined();
  });

  it('lets only a team’s owner buy credits; members see the balance without what was paid', async () => {
    const [owner, admin, viewer] = await Promise.all([createTestUser(), createTestUser(), createTestUser()]);
    const team = await insertTeamAccount([
      [owner, 'owner'],
      [admin, 'admin'],
      [viewer, 'viewer'],
    ]);
    for (const member of [admin, viewer]) {
      const response = await dashboardCall(member, `/accounts/${team}/billing/credits/checkout`, {
        method: 'POST',
        body: { pack: '10k' },
      });
      expect(await errorOf(response)).toMatchObject({ status: 403, code: 'forbidden' });
    }
    const url = await startCreditsCheckout(owner, '10k', team);
    expect((await payCheckout(url)).status).toBe(303);
    await waitForAccount(team, (data) => data.credits_granted === 10_000);

    const asViewer = creditsResponseSchema.parse(
      await json(await dashboardCall(viewer, `/accounts/${team}/billing/credits`)),
    );
    expect(asViewer).toMatchObject({ balance: 10_000 });
    expect(asViewer.entries.map((entry) => [entry.kind, entry.units, entry.amount_cents])).toEqual([
      ['grant', 10_000, null],
    ]);
    const asOwner = creditsResponseSchema.parse(
      await json(await dashboardCall(owner, `/accounts/${team}/billing/credits`)),
    );
    expect(asOwner.entries.map((entry) => entry.amount_cents)).toEqual([500]);
    // SPEC.md's name for the same read.
    expect(await json(await dashboardCall(owner, `/accounts/${team}/credits`))).toEqual(asOwner);
  });

  it('credits what the price Stripe sold gives, whatever the session’s metadata claims', async () => {
    const user = await createTestUser();
    await startCreditsCheckout(user, '10k');
    const customer = String((await accountRef(user.uid).get()).get('stripe_customer_id'));
    // A session made at Stripe by other means, for the small pack, whose metadata says the big one.
    const session = await standIn.stripe.checkout.sessions.create({
      mode: 'payment',
      customer,
      client_reference_id: user.uid,
      line_items: [{ price: 'price_keymeter_credits_10k', quantity: 2 }],
      metadata: { account_id: user.uid, pack: '100k', credit_units: '100000' },
      success_url: `${HOSTING_URL}/dashboard/billing`,
    });
    expect((await payCheckout(session.url ?? '')).status).toBe(303);
    await standIn.idle();
    const account = await waitForAccount(user.uid, (data) => Number(data.credits_granted ?? 0) > 0);
    expect(account.credits_granted).toBe(20_000);
    expect(await grantsOf(user.uid)).toEqual([
      expect.objectContaining({ id: `grant_${session.id}`, units: 20_000, amount_cents: 1_000 }),
    ]);
  });
});
