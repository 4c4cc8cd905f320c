/**
 * The operators' revenue figures for the current month, from five aggregations (count() and
 * sum(), a handful of reads however many accounts): paying accounts by plan and the monthly
 * recurring revenue the plan table gives them, credit packs sold (the ledger's grants), and the
 * overage of the month's days reported to Stripe (the reporter's `overage_billed` on the daily
 * documents, by plan).
 */
import { AggregateField, Timestamp } from 'firebase-admin/firestore';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, API_USAGE_DAILY, CREDIT_LEDGER } from '../lib/collections.js';
import type { AdminStatsResponse } from '../shared/contracts.js';
import { addDays, periodEnd, utcDate, utcPeriod } from '../shared/dates.js';
import { overageCents, PAID_PLAN_TIERS, PLANS, type PaidPlanTier } from '../shared/plans.js';

/** Statuses in which an account pays for its plan (past due: Stripe is still collecting). */
const PAYING_STATUSES = ['active', 'trialing', 'past_due'];

export type BillingFigures = AdminStatsResponse['billing'];

async function payingAccounts(tier: PaidPlanTier): Promise<number> {
  const counted = await db()
    .collection(ACCOUNTS)
    .where('plan_tier', '==', tier)
    .where('subscription_status', 'in', PAYING_STATUSES)
    .count()
    .get();
  return counted.data().count;
}

/**
 * One sum per plan, each its own query: an aggregation query counts only the documents that have
 * every field it aggregates, and a day billed under one plan has no other plan's field.
 */
async function overageBilled(tier: PaidPlanTier, firstDay: string, lastDay: string): Promise<number> {
  const summed = await db()
    .collection(API_USAGE_DAILY)
    .where('date', '>=', firstDay)
    .where('date', '<=', lastDay)
    .aggregate({ units: AggregateField.sum(`overage_billed.${tier}`) })
    .get();
  return Number(summed.data().units);
}

export async function billingFigures(now: Date): Promise<BillingFigures> {
  const period = utcPeriod(now);
  const end = periodEnd(period);
  const firstDay = `${period}-01`;
  const lastDay = addDays(utcDate(end), -1);
  const firestore = db();
  const [pro, enterprise, grants, proOverage, enterpriseOverage] = await Promise.all([
    payingAccounts('pro'),
    payingAccounts('enterprise'),
    firestore
      .collection(CREDIT_LEDGER)
      .where('kind', '==', 'grant')
      .where('at', '>=', Timestamp.fromDate(new Date(`${firstDay}T00:00:00Z`)))
      .where('at', '<', Timestamp.fromDate(end))
      .aggregate({
        purchases: AggregateField.count(),
        units: AggregateField.sum('units'),
        amount_cents: AggregateField.sum('amount_cents'),
      })
      .get(),
    overageBilled('pro', firstDay, lastDay),
    overageBilled('enterprise', firstDay, lastDay),
  ]);
  const paying: Record<PaidPlanTier, number> = { pro, enterprise };
  const billed: Record<PaidPlanTier, number> = { pro: proOverage, enterprise: enterpriseOverage };
  const credits = grants.data();
  return {
    period,
    paying_accounts: paying,
    mrr_cents: PAID_PLAN_TIERS.reduce(
      (sum, tier) => sum + paying[tier] * PLANS[tier].price_cents_per_month,
      0,
    ),
    credits_sold: {
      purchases: credits.purchases,
      units: Number(credits.units),
      amount_cents: Number(credits.amount_cents),
    },
    overage_billed: {
      units: PAID_PLAN_TIERS.reduce((sum, tier) => sum + billed[tier], 0),
      amount_cents: PAID_PLAN_TIERS.reduce((sum, tier) => sum + overageCents(tier, billed[tier]), 0),
    },
  };
}
