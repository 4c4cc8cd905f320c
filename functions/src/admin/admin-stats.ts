import { AggregateField, Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { assertAdmin } from '../http/auth.js';
import { parseInput, parseQuery } from '../http/parse.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { db } from '../lib/firebase.js';
import { API_KEYS, USERS } from '../lib/collections.js';
import {
  ADMIN_STATS_DEFAULT_DAYS,
  ADMIN_TOP_ACCOUNTS,
  adminStatsQuerySchema,
  statsQuerySchema,
  type AdminStatsResponse,
} from '../shared/contracts.js';
import { addDays, utcDate } from '../shared/dates.js';
import { planTierSchema } from '../shared/plans.js';
import { accountDaysQuery } from '../usage/daily-queries.js';
import { loadPlatformDays } from '../usage/platform-daily.js';
import { averageLatency, datesInRange } from '../usage/stats-series.js';

/** Accounts whose exact range totals are read, of which the busiest ADMIN_TOP_ACCOUNTS are shown. */
const TOP_CANDIDATES = 2 * ADMIN_TOP_ACCOUNTS;

interface DayTotals {
  requests: number;
  errors: number;
  latency: number;
}

/**
 * The range's platform totals per day, and candidates for the busiest accounts: each account's
 * requests on the days it was among its shard's busiest (platform-daily.ts). That is its exact
 * total for a one-day range, and a lower bound for a longer one.
 */
async function platformDays(from: string, to: string) {
  const byDate = new Map<string, DayTotals>();
  const byUser = new Map<string, number>();
  for (const shard of await loadPlatformDays(from, to)) {
    const day = byDate.get(shard.date) ?? { requests: 0, errors: 0, latency: 0 };
    day.requests += shard.total_requests;
    day.errors += shard.error_count;
    day.latency += shard.latency_ms_sum;
    byDate.set(shard.date, day);
    for (const [userId, requests] of Object.entries(shard.top_accounts))
      byUser.set(userId, (byUser.get(userId) ?? 0) + requests);
  }
  return { byDate, byUser };
}

/** The candidates' exact totals over the range: one sum() aggregation each, not a document read per day. */
async function busiestAccounts(candidates: Map<string, number>, from: string, to: string) {
  const shortlist = [...candidates]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_CANDIDATES)
    .map(([userId]) => userId);
  const exact = await Promise.all(
    shortlist.map(async (userId): Promise<[string, number]> => {
      const sum = await accountDaysQuery(userId, from, to)
        .aggregate({ requests: AggregateField.sum('total_requests') })
        .get();
      return [userId, Number(sum.data().requests)];
    }),
  );
  return exact
    .filter(([, requests]) => requests > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, ADMIN_TOP_ACCOUNTS);
}

async function usableKeyCount(): Promise<number> {
  const active = db().collection(API_KEYS).where('is_active', '==', true);
  const [all, expired] = await Promise.all([
    active.count().get(),
    active.where('expires_at', '<=', Timestamp.now()).count().get(),
  ]);
  return all.data().count - expired.data().count;
}

/**
 * GET /admin/stats?from&to (admin claim): platform totals per day and the top accounts. Reads
 * O(days) documents: the platform's daily shard documents, two count() aggregations, a sum()
 * aggregation per top-account candidate and the top accounts' profiles.
 */
export async function adminStats(req: Request, res: Response): Promise<void> {
  assertAdmin(res);
  takeRouteBudget(res, 'GET /admin/stats');
  const query = parseQuery(req, adminStatsQuerySchema);
  const to = query.to ?? utcDate(new Date());
  const range = parseInput(
    statsQuerySchema,
    { from: query.from ?? addDays(to, -(ADMIN_STATS_DEFAULT_DAYS - 1)), to },
    'query',
  );
  const firestore = db();
  const [{ byDate, byUser }, accounts, activeKeys] = await Promise.all([
    platformDays(range.from, range.to),
    firestore.collection(USERS).count().get(),
    usableKeyCount(),
  ]);

  const top = await busiestAccounts(byUser, range.from, range.to);
  const profiles =
    top.length === 0
      ? []
      : await firestore.getAll(...top.map(([userId]) => firestore.collection(USERS).doc(userId)));
  let requests = 0;
  let errors = 0;
  const body: AdminStatsResponse = {
    from: range.from,
    to: range.to,
    totals: { accounts: accounts.data().count, active_keys: activeKeys, requests: 0, errors: 0 },
    daily: datesInRange(range.from, range.to).map((date) => {
      const day = byDate.get(date) ?? { requests: 0, errors: 0, latency: 0 };
      requests += day.requests;
      errors += day.errors;
      return {
        date,
        requests: day.requests,
        errors: day.errors,
        avg_latency_ms: averageLatency(day.latency, day.requests),
      };
    }),
    top_accounts: top.map(([userId, count], index) => {
      const profile = profiles[index];
      const email: unknown = profile?.get('email');
      const tier = planTierSchema.safeParse(profile?.get('plan_tier'));
      return {
        user_id: userId,
        email: typeof email === 'string' ? email : null,
        plan_tier: tier.success ? tier.data : 'free',
        requests: count,
      };
    }),
  };
  body.totals.requests = requests;
  body.totals.errors = errors;
  res.json(body);
}
