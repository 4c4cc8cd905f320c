/**
 * The operators' revenue figures on GET /admin/stats, from the documents billing writes:
 * accounts' plans and subscription statuses, the credit ledger's grants and the reporter's
 * overage marks on the daily documents, this month's only.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, API_USAGE_DAILY, CREDIT_LEDGER, dailyDocId } from '../lib/collections.js';
import { adminStatsResponseSchema } from '../shared/contracts.js';
import { addDays, utcDate, utcPeriod } from '../shared/dates.js';
import { PLANS } from '../shared/plans.js';
import {
  adminDb,
  clearEmulators,
  createTestUser,
  dashboardCall,
  json,
  type TestUser,
} from '../test-support/emulators.js';

let admin: TestUser;

const now = new Date();
const today = utcDate(now);
const lastMonth = addDays(`${utcPeriod(now)}-01`, -1);

beforeAll(async () => {
  await clearEmulators();
  admin = await createTestUser({ admin: true });
});

async function account(id: string, plan: string, status: string | null) {
  await adminDb().collection(ACCOUNTS).doc(id).set({
    kind: 'personal',
    name: id,
    plan_tier: plan,
    subscription_status: status,
    created_at: Timestamp.now(),
  });
}

async function grant(id: string, accountId: string, units: number, cents: number, at: Date) {
  await adminDb()
    .collection(CREDIT_LEDGER)
    .doc(`grant_${id}`)
    .set({
      kind: 'grant',
      account_id: accountId,
      units,
      amount_cents: cents,
      checkout_session: id,
      price: 'price_x',
      at: Timestamp.fromDate(at),
    });
}

async function billedDay(accountId: string, date: string, billed: Record<string, number>) {
  const units = Object.values(billed).reduce((sum, value) => sum + value, 0);
  await adminDb().collection(API_USAGE_DAILY).doc(dailyDocId(accountId, date)).set({
    account_id: accountId,
    date,
    overage_units: units,
    overage_reported: units,
    overage_billed: billed,
  });
}

describe('revenue figures', () => {
  it('counts paying accounts by plan, their MRR, this month’s credit sales and overage billed', async () => {
    await Promise.all([
      account('pro-a', 'pro', 'active'),
      account('pro-b', 'pro', 'past_due'),
      account('pro-c', 'pro', 'trialing'),
      account('ent-a', 'enterprise', 'active'),
      // On a paid plan without paying (set by an operator), and ended subscriptions: not paying.
      account('pro-manual', 'pro', null),
      account('free-ended', 'free', 'canceled'),
      account('free-a', 'free', null),
    ]);
    await Promise.all([
      grant('cs_1', 'free-a', 10_000, 500, now),
      grant('cs_2', 'pro-a', 100_000, 4_000, now),
      grant('cs_old', 'pro-a', 100_000, 4_000, new Date(`${lastMonth}T12:00:00Z`)),
      adminDb()
        .collection(CREDIT_LEDGER)
        .doc(`usage_free-a_${today}`)
        .set({ kind: 'usage', account_id: 'free-a', date: today, units: 700, at: Timestamp.now() }),
    ]);
    await Promise.all([
      billedDay('pro-a', today, { pro: 2_200 }),
      billedDay('ent-a', today, { enterprise: 10_000 }),
      billedDay('pro-b', lastMonth, { pro: 50_000 }),
    ]);

    const response = await dashboardCall(admin, '/admin/stats');
    expect(response.status).toBe(200);
    const { billing } = adminStatsResponseSchema.parse(await json(response));
    expect(billing).toEqual({
      period: utcPeriod(now),
      paying_accounts: { pro: 3, enterprise: 1 },
      mrr_cents: 3 * PLANS.pro.price_cents_per_month + PLANS.enterprise.price_cents_per_month,
      credits_sold: { purchases: 2, units: 110_000, amount_cents: 4_500 },
      // 2,200 Pro units at $0.50 per 1,000 (rounded up to the cent) and 10,000 at $0.20.
      overage_billed: { units: 12_200, amount_cents: 110 + 200 },
    });
  });
});
