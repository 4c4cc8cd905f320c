/**
 * Stripe down or unreachable: the billing routes answer 503 `billing_unavailable` with
 * Retry-After and write nothing; the webhook answers 5xx so Stripe retries; the rest of the
 * dashboard and `/v1` keep serving. The stand-in simulates the outage on its API only.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_KEYS, STRIPE_EVENTS } from '../lib/collections.js';
import { errorBodySchema } from '../shared/errors.js';
import { accountRef, subscribe, waitForAccount } from '../test-support/billing.js';
import {
  adminDb,
  apiCall,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';
import { createKeyViaApi } from '../test-support/fixtures.js';
import { postWebhook, signature, useStripeStandIn, type StandIn } from '../test-support/stripe-stand-in.js';

let standIn: StandIn;
let subscriber: TestUser;
let subscriberKey: string;

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
  subscriber = await createTestUser();
  subscriberKey = (await createKeyViaApi(subscriber, { label: 'keeps working' })).secret;
  await subscribe(standIn, subscriber, 'pro');
  await waitForAccount(subscriber.uid, (data) => data.plan_tier === 'pro');
  await standIn.idle();
});

afterEach(async () => {
  await standIn.setApiOutage('none');
});

afterAll(async () => {
  await standIn.setApiOutage('none');
  await standIn.stop();
});

async function expectBillingUnavailable(response: Response): Promise<void> {
  const body = errorBodySchema.parse(await json(response));
  expect(response.status, JSON.stringify(body)).toBe(503);
  expect(body.error.code).toBe('billing_unavailable');
  expect(body.error.message).toMatch(/try again/);
  expect(response.headers.get('retry-after')).toBe('30');
}

describe.each(['unreachable', 'server_error'] as const)('Stripe %s', (outage) => {
  it('Checkout answers 503 billing_unavailable and creates no customer', async () => {
    const user = await createTestUser();
    await dashboardCall(user, '/me');
    const before = (await accountRef(user.uid).get()).data();
    await standIn.setApiOutage(outage);
    await expectBillingUnavailable(
      await dashboardCall(user, '/billing/checkout', { method: 'POST', body: { plan: 'pro' } }),
    );
    expect((await accountRef(user.uid).get()).data()).toEqual(before);
  });

  it('the portal and account deletion answer 503 and change nothing', async () => {
    const before = (await accountRef(subscriber.uid).get()).data();
    await standIn.setApiOutage(outage);
    await expectBillingUnavailable(await dashboardCall(subscriber, '/billing/portal', { method: 'POST' }));
    await expectBillingUnavailable(await dashboardCall(subscriber, '/me', { method: 'DELETE' }));
    expect((await accountRef(subscriber.uid).get()).data()).toEqual(before);
    const keys = await adminDb().collection(API_KEYS).where('account_id', '==', subscriber.uid).get();
    expect(keys.docs.map((doc) => doc.get('is_active'))).toEqual([true]);
  });

  it('the webhook answers 5xx so Stripe retries, and records nothing', async () => {
    const events = await standIn.stripe.events.list({ type: 'customer.subscription.created', limit: 1 });
    const event = events.data[0];
    if (event === undefined) throw new Error('no subscription event to send again');
    const payload = (await standIn.rawEvent(event.id)).replace(event.id, `${event.id}_replayed_${outage}`);
    await standIn.setApiOutage(outage);
    const response = await postWebhook(payload, {
      'stripe-signature': signature(standIn.stripe, payload, standIn.webhookSecret),
    });
    expect(response.status).toBe(503);
    expect(
      (await adminDb().collection(STRIPE_EVENTS).doc(`${event.id}_replayed_${outage}`).get()).exists,
    ).toBe(false);
  });

  it('the rest of the dashboard and /v1 keep serving', async () => {
    await standIn.setApiOutage(outage);
    expect((await dashboardCall(subscriber, '/me')).status).toBe(200);
    expect((await dashboardCall(subscriber, '/keys')).status).toBe(200);
    expect((await apiCall(subscriberKey, '/time')).status).toBe(200);
  });
});
