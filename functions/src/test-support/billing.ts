/** Billing fixtures for emulator-backed tests: upgrading through Checkout, watching the account. */
import type { DocumentData } from 'firebase-admin/firestore';
import { expect } from 'vitest';
import { limitsOf, readAccountDoc } from '../accounts/account-doc.js';
import { ACCOUNTS } from '../lib/collections.js';
import { redirectResponseSchema } from '../shared/contracts.js';
import { accountLimits, type PaidPlanTier, type PlanTier } from '../shared/plans.js';
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

/** `accounts/{account_id}`; a user's personal account has the uid as its id. */
export function accountRef(accountId: string) {
  return adminDb().collection(ACCOUNTS).doc(accountId);
}

/** Waits until `accounts/{account_id}` satisfies `done`. */
export function waitForAccount(
  accountId: string,
  done: (data: DocumentData) => boolean,
): Promise<DocumentData> {
  return waitForDoc(accountRef(accountId), (data) => data !== undefined && done(data));
}

/**
 * The account is on `tier`, so the API, which reads the account's plan whenever it leases budget,
 * enforces that plan's limits for every key of the account (keys carry no limits of their own).
 */
export async function expectAccountOnPlan(accountId: string, tier: PlanTier): Promise<void> {
  const account = readAccountDoc((await accountRef(accountId).get()).data());
  expect(account.plan_tier).toBe(tier);
  expect(limitsOf(account)).toEqual(accountLimits(tier));
}
