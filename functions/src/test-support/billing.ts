/** Billing fixtures for emulator-backed tests: upgrading through Checkout, watching the account. */
import type { DocumentData } from 'firebase-admin/firestore';
import { expect } from 'vitest';
import { API_KEYS, USERS } from '../lib/collections.js';
import { redirectResponseSchema } from '../shared/contracts.js';
import { planLimits, type PaidPlanTier, type PlanTier } from '../shared/plans.js';
import { adminDb, dashboardCall, json, waitForDoc, type TestUser } from './emulators.js';
import { payCheckout, type StandIn } from './stripe-stand-in.js';

/** POST /billing/checkout, expecting a Checkout URL. */
export async function startCheckout(user: TestUser, plan: PaidPlanTier): Promise<string> {
  const response = await dashboardCall(user, '/billing/checkout', { method: 'POST', body: { plan } });
  const body = await json(response);
  expect(response.status, JSON.stringify(body)).toBe(200);
  return redirectResponseSchema.parse(body).url;
}

export interface Subscribed {
  customerId: string;
  subscriptionId: string;
  sessionId: string;
}

/** Checkout through the dashboard API and paying on the hosted page; does not wait for webhooks. */
export async function subscribe(
  standIn: StandIn,
  user: TestUser,
  plan: PaidPlanTier,
  options: { renewals?: 'fail' } = {},
): Promise<Subscribed> {
  const url = await startCheckout(user, plan);
  const paid = await payCheckout(url, options);
  expect(paid.status).toBe(303);
  const sessionId = new URL(url).pathname.split('/').pop() ?? '';
  const session = await standIn.stripe.checkout.sessions.retrieve(sessionId);
  if (typeof session.subscription !== 'string' || typeof session.customer !== 'string') {
    throw new Error(`session ${sessionId} has no subscription after paying`);
  }
  return { customerId: session.customer, subscriptionId: session.subscription, sessionId };
}

export function accountRef(uid: string) {
  return adminDb().collection(USERS).doc(uid);
}

/** Waits until `users/{uid}` satisfies `done`. */
export function waitForAccount(uid: string, done: (data: DocumentData) => boolean): Promise<DocumentData> {
  return waitForDoc(accountRef(uid), (data) => data !== undefined && done(data));
}

export async function keyLimits(
  uid: string,
): Promise<{ tier: unknown; rate_limit_monthly: unknown; rate_limit_per_minute: unknown }[]> {
  const keys = await adminDb().collection(API_KEYS).where('user_id', '==', uid).get();
  return keys.docs.map((doc) => ({
    tier: doc.get('tier'),
    rate_limit_monthly: doc.get('rate_limit_monthly'),
    rate_limit_per_minute: doc.get('rate_limit_per_minute'),
  }));
}

/** Every key of the account, revoked ones included, carries the plan's limits. */
export async function expectKeysOnPlan(uid: string, tier: PlanTier, count: number): Promise<void> {
  const limits = await keyLimits(uid);
  expect(limits).toHaveLength(count);
  for (const key of limits) expect(key).toEqual({ tier, ...planLimits(tier) });
}
