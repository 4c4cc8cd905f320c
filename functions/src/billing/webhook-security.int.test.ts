/**
 * The webhook's security and idempotency: only a correct signature over the exact body, recent
 * enough, gets through; nothing is written otherwise; an event delivered twice has one effect.
 */
import { randomBytes } from 'node:crypto';
import { Timestamp, type DocumentData } from 'firebase-admin/firestore';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { API_KEYS, MEMBERS, STRIPE_EVENTS, USERS } from '../lib/collections.js';
import { errorBodySchema } from '../shared/errors.js';
import { accountRef, expectAccountOnPlan, subscribe, waitForAccount } from '../test-support/billing.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  emulatorLog,
  HOSTING_URL,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import {
  payCheckout,
  postWebhook,
  signature,
  useStripeStandIn,
  type StandIn,
} from '../test-support/stripe-stand-in.js';
import { STRIPE_API_VERSION } from './stripe-client.js';

let standIn: StandIn;
let user: TestUser;
let customerId: string;
let subscriptionId: string;

/** Puts the account back on Free, as if Stripe's state had not reached it yet. */
async function makeStale(uid: string): Promise<void> {
  await accountRef(uid).update({ plan_tier: 'free', subscription_status: null });
}

async function snapshotOf(uid: string): Promise<DocumentData[]> {
  const keys = await adminDb().collection(API_KEYS).where('account_id', '==', uid).get();
  const byId = [...keys.docs].sort((a, b) => a.id.localeCompare(b.id));
  return [(await accountRef(uid).get()).data() ?? {}, ...byId.map((doc) => doc.data())];
}

/** An event as Stripe would send it about this customer's subscription, with a fresh id. */
function eventPayload(
  type = 'customer.subscription.updated',
  object: unknown = {
    id: subscriptionId,
    object: 'subscription',
    customer: customerId,
    metadata: { account_id: user.uid },
  },
): { id: string; payload: string } {
  const id = `evt_test_${randomBytes(8).toString('hex')}`;
  const event = {
    id,
    object: 'event',
    api_version: STRIPE_API_VERSION,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    data: { object },
  };
  return { id, payload: JSON.stringify(event, null, 2) };
}

async function markerExists(eventId: string): Promise<boolean> {
  return (await adminDb().collection(STRIPE_EVENTS).doc(eventId).get()).exists;
}

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
  user = await createTestUser();
  await createKeyViaApi(user, { label: 'one' });
  await createKeyViaApi(user, { label: 'two' });
  ({ customerId, subscriptionId } = await subscribe(standIn, user, 'pro'));
  await waitForAccount(user.uid, (data) => data.plan_tier === 'pro');
  await standIn.idle();
});

afterAll(async () => {
  await standIn.idle();
  await standIn.stop();
});

describe('webhook security: refused without a valid signature, and nothing written', () => {
  const cases: [
    string,
    () => { id: string; payload: string; body: string; headers: Record<string, string> },
  ][] = [
    [
      'no Stripe-Signature header',
      () => {
        const { id, payload } = eventPayload();
        return { id, payload, body: payload, headers: {} };
      },
    ],
    [
      'a signature made with another secret',
      () => {
        const { id, payload } = eventPayload();
        const wrong = `whsec_${randomBytes(24).toString('base64url')}`;
        return {
          id,
          payload,
          body: payload,
          headers: { 'stripe-signature': signature(standIn.stripe, payload, wrong) },
        };
      },
    ],
    [
      'a body changed after signing',
      () => {
        const { id, payload } = eventPayload();
        const header = signature(standIn.stripe, payload, standIn.webhookSecret);
        const tampered = payload.replace(
          '"customer.subscription.updated"',
          '"customer.subscription.deleted"',
        );
        return { id, payload, body: tampered, headers: { 'stripe-signature': header } };
      },
    ],
    [
      'a timestamp older than the 300 s tolerance (a replay)',
      () => {
        const { id, payload } = eventPayload();
        const stale = Math.floor(Date.now() / 1000) - 301;
        return {
          id,
          payload,
          body: payload,
          headers: { 'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret, stale) },
        };
      },
    ],
    [
      'a malformed header',
      () => {
        const { id, payload } = eventPayload();
        return { id, payload, body: payload, headers: { 'stripe-signature': 't=yesterday,v1=' } };
      },
    ],
  ];

  it.each(cases)('refuses %s with 400 invalid_signature', async (_name, make) => {
    await makeStale(user.uid);
    const before = await snapshotOf(user.uid);
    const { id, body, headers } = make();
    const response = await postWebhook(body, headers);
    expect(response.status).toBe(400);
    expect(errorBodySchema.parse(await json(response)).error.code).toBe('invalid_signature');
    expect(await markerExists(id)).toBe(false);
    expect(await snapshotOf(user.uid)).toEqual(before);
  });

  it("accepts the same event correctly signed, and moves the account's plan", async () => {
    await makeStale(user.uid);
    const { id, payload } = eventPayload();
    const response = await postWebhook(payload, {
      'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret),
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ received: true, outcome: 'applied' });
    expect(await markerExists(id)).toBe(true);
    expect((await accountRef(user.uid).get()).data()).toMatchObject({
      plan_tier: 'pro',
      subscription_status: 'active',
    });
    await expectAccountOnPlan(user.uid, 'pro');
  });

  it('answers 405 to anything but POST', async () => {
    const response = await fetch(`${HOSTING_URL}/stripe/webhook`);
    expect(response.status).toBe(405);
  });

  it('never logs the signing secret or the account email', () => {
    const log = emulatorLog();
    expect(log).not.toContain(standIn.webhookSecret);
    expect(log).not.toContain(user.email);
  });
});

describe('webhook idempotency', () => {
  it('gives the same event, delivered twice, one effect', async () => {
    const { id, payload } = eventPayload();
    const send = () =>
      postWebhook(payload, { 'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret) });
    await makeStale(user.uid);
    const first = await send();
    expect(await json(first)).toEqual({ received: true, outcome: 'applied' });
    expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('pro');

    // Had the second delivery been processed, it would have put the account back on Pro.
    await makeStale(user.uid);
    const second = await send();
    expect(second.status).toBe(200);
    expect(await json(second)).toEqual({ received: true, outcome: 'duplicate' });
    expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('free');
    await expectAccountOnPlan(user.uid, 'free');
    expect(await markerExists(id)).toBe(true);
  });

  it('ignores a real event the stand-in delivers again (same id)', async () => {
    const events = await standIn.stripe.events.list({ type: 'customer.subscription.created', limit: 100 });
    const created = events.data.find((event) => (event.data.object as { id?: string }).id === subscriptionId);
    if (created === undefined) throw new Error('no customer.subscription.created event for the subscription');
    expect(await markerExists(created.id)).toBe(true);

    await makeStale(user.uid);
    const delivery = await standIn.resend(created.id);
    expect(delivery).toMatchObject({ resend: true, status: 'succeeded' });
    expect(delivery.attempts.map((attempt) => attempt.status_code)).toEqual([200]);
    expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('free');
  });

  it('answers 2xx to event types it does not handle, without recording them', async () => {
    for (const type of ['customer.created', 'invoice.created', 'checkout.session.expired']) {
      const { id, payload } = eventPayload(type);
      const response = await postWebhook(payload, {
        'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret),
      });
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({ received: true, outcome: 'ignored' });
      expect(await markerExists(id)).toBe(false);
    }
  });
});

describe('signed events Keymeter cannot act on: 2xx, logged, nothing changed', () => {
  const signed = (payload: string) =>
    postWebhook(payload, { 'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret) });

  it('an event about a customer Stripe does not know (not ours, or deleted)', async () => {
    await makeStale(user.uid);
    const before = await snapshotOf(user.uid);
    const { id, payload } = eventPayload('customer.subscription.updated', {
      id: 'sub_unknown',
      object: 'subscription',
      customer: 'cus_not_in_stripe',
      metadata: {},
    });
    const response = await signed(payload);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ received: true, outcome: 'unknown_customer' });
    expect((await adminDb().collection(STRIPE_EVENTS).doc(id).get()).get('outcome')).toBe('unknown_customer');
    expect(await snapshotOf(user.uid)).toEqual(before);
    expect(emulatorLog()).toContain(id);
  });

  it('an event whose account hint could not be an account id', async () => {
    const { payload } = eventPayload('checkout.session.completed', {
      object: 'checkout.session',
      customer: 'cus_not_in_stripe',
      client_reference_id: 'users/../__proto__',
      metadata: null,
    });
    const response = await signed(payload);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ received: true, outcome: 'unknown_customer' });
  });

  it('an event object without metadata about a known customer is applied', async () => {
    await makeStale(user.uid);
    const { payload } = eventPayload('customer.subscription.updated', {
      id: subscriptionId,
      object: 'subscription',
      customer: customerId,
    });
    const response = await signed(payload);
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ received: true, outcome: 'applied' });
    expect((await accountRef(user.uid).get()).get('plan_tier')).toBe('pro');
  });

  it('refuses with 400 a signed body that is not a Stripe event, and writes nothing', async () => {
    const before = (await adminDb().collection(STRIPE_EVENTS).get()).size;
    const event = (id: unknown) =>
      JSON.stringify({ id, type: 'customer.subscription.updated', created: 1, data: { object: {} } });
    // The Functions runtime's own JSON parser refuses a top-level null or string before our code.
    for (const payload of ['null', '"evt_1"']) expect((await signed(payload)).status, payload).toBe(400);
    for (const payload of ['[]', '{}', event('evt/../x'), event('__proto__'), event(7)]) {
      const response = await signed(payload);
      expect(response.status, payload).toBe(400);
      expect(errorBodySchema.parse(await json(response)).error.code, payload).toBe('invalid_request');
    }
    expect((await adminDb().collection(STRIPE_EVENTS).get()).size).toBe(before);
  });

  it('an event whose object is not an object, or names no customer', async () => {
    for (const object of [null, 'sub_1', [1, 2], { object: 'subscription', customer: 7 }]) {
      const { id, payload } = eventPayload('customer.subscription.deleted', object);
      const response = await signed(payload);
      expect(response.status, JSON.stringify(object)).toBe(200);
      expect(await json(response)).toEqual({ received: true, outcome: 'ignored' });
      expect(await markerExists(id)).toBe(false);
    }
    expect((await accountRef(user.uid).get()).exists).toBe(true);
  });
});

describe('Stripe objects made before accounts', () => {
  const signed = (payload: string) =>
    postWebhook(payload, { 'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret) });

  it("reads a subscription's legacy metadata.firebase_uid as the account id (the user's personal account)", async () => {
    const other = await createTestUser();
    await dashboardCall(other, '/me');
    // A customer no account remembers yet, and that names nobody itself.
    const customer = await standIn.stripe.customers.create({ email: other.email });
    const { payload } = eventPayload('customer.subscription.updated', {
      id: 'sub_legacy',
      object: 'subscription',
      customer: customer.id,
      metadata: { firebase_uid: other.uid },
    });
    const response = await signed(payload);
    expect(await json(response)).toEqual({ received: true, outcome: 'applied' });
    expect((await accountRef(other.uid).get()).get('stripe_customer_id')).toBe(customer.id);
  });

  it('finds a customer remembered only by a legacy profile, and gives that user its personal account', async () => {
    const uid = `legacy-${randomBytes(6).toString('hex')}`;
    const customer = await standIn.stripe.customers.create({ email: `${uid}@example.test` });
    const legacyProfile = {
      email: `${uid}@example.test`,
      display_name: 'Old Timer',
      photo_url: null,
      plan_tier: 'free',
      stripe_customer_id: customer.id,
      created_at: Timestamp.fromMillis(Date.now() - 86_400_000),
    };
    await adminDb().collection(USERS).doc(uid).set(legacyProfile);
    // Neither the session nor the subscription names the user: only the profile links them.
    const session = await standIn.stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customer.id,
      line_items: [{ price: 'price_keymeter_pro_monthly', quantity: 1 }],
      success_url: `${HOSTING_URL}/dashboard/billing?checkout=success`,
      cancel_url: `${HOSTING_URL}/dashboard/billing?checkout=canceled`,
    });
    expect((await payCheckout(String(session.url))).status).toBe(303);

    const account = await waitForAccount(uid, (data) => data.plan_tier === 'pro');
    expect(account).toMatchObject({
      kind: 'personal',
      name: 'Old Timer',
      owner_uid: uid,
      stripe_customer_id: customer.id,
      subscription_status: 'active',
    });
    expect((await accountRef(uid).collection(MEMBERS).doc(uid).get()).get('role')).toBe('owner');
    // The profile itself is the migration's to change.
    expect((await adminDb().collection(USERS).doc(uid).get()).data()).toEqual(legacyProfile);
  });
});
