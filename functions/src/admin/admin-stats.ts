import { AggregateField, Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountRef, accountDocSchema } from '../accounts/account-doc.js';
import { assertAdmin } from '../http/auth.js';
import { parseInput } from '../http/parse.js';
import { queryOf } from '../http/routes.js';
import { takeRouteBudget } from '../http/route-limits.js';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, API_KEYS, USERS } from '../lib/collections.js';
import {
  ADMIN_STATS_DEFAULT_DAYS,
  ADMIN_TOP_ACCOUNTS,
  adminStatsQuerySchema,
  statsQuerySchema,
  type AdminStatsResponse,
} from '../shared/contracts.js';
import { addDays, utcDate } from '../shared/dates.js';
import { accountDaysQuery } from '../usage/daily-queries.js';
import { billingFigures } from './billing-figures.js';
import { latencyPercentiles, mergeHistogram, type LatencyHistogram } from '../shared/latency.js';
import { loadPlatformDays } from '../usage/platform-daily.js';
import { averageLatency, datesInRange } from '../usage/stats-series.js';

/** Accounts whose exact range totals are read, of which the busiest ADMIN_TOP_ACCOUNTS are shown. */
const TOP_CANDIDATES = 2 * ADMIN_TOP_ACCOUNTS;

interface DayTotals {
  requests: number;
  units: number;
  errors: number;
  latency: number;
  histogram: LatencyHistogram;
}

const noCalls = (): DayTotals => ({ requests: 0, units: 0, errors: 0, latency: 0, histogram: {} });

/**
 * The range's platform totals per day, and candidates for the busiest accounts: each account's
 * requests on the days it was among its shard's busiest (platform-daily.ts). That is its exact
 * total for a one-day range, and a lower bound for a longer one.
 */
async function platformDays(from: string, to: string) {
  const byDate = new Map<string, DayTotals>();
  const byAccount = new Map<string, number>();
  for (const shard of await loadPlatformDays(from, to)) {
    const day = byDate.get(shard.date) ?? noCalls();
    day.requests += shard.total_requests;
    day.units += shard.total_units;
    day.errors += shard.error_count;
    day.latency += shard.latency_ms_sum;
    mergeHistogram(day.histogram, shard.latency_buckets);
    byDate.set(shard.date, day);
    for (const [accountId, requests] of Object.entries(shard.top_accounts))
      byAccount.set(accountId, (byAccount.get(accountId) ?? 0) + requests);
  }
  return { byDate, byAccount };
}

/** The candidates' exact totals over the range: one sum() aggregation each, not a document read per day. */
async function busiestAccounts(candidates: Map<string, number>, from: string, to: string) {
  const shortlist = [...candidates]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOP_CANDIDATES)
    .map(([accountId]) => accountId);
  const exact = await Promise.all(
    shortlist.map(async (accountId): Promise<[string, number]> => {
      const sum = await accountDaysQuery(accountId, from, to)
        .aggregate({ requests: AggregateField.sum('total_requests') })
        .get();
      return [accountId, Number(sum.data().requests)];
    }),
  );
  return exact
    .filter(([, requests]) => requests > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, ADMIN_TOP_ACCOUNTS);
}

/**
 * Name, plan and email of each account: its document, and for a personal account its user's
 * profile (the email). Two batched reads, however many accounts.
 */
async function describeAccounts(
  top: readonly (readonly [string, number])[],
): Promise<AdminStatsResponse['top_accounts']> {
  if (top.length === 0) return [];
  const firestore = db();
  const accounts = (await firestore.getAll(...top.map(([id]) => accountRef(id)))).map((snapshot) => {
    const parsed = accountDocSchema.safeParse(snapshot.data());
    return parsed.success ? parsed.data : undefined;
  });
  const owners = [
    ...new Set(
      accounts.flatMap((doc) =>
        doc?.kind === 'personal' && doc.owner_uid !== undefined ? [doc.owner_uid] : [],
      ),
    ),
  ];
  const profiles =
    owners.length === 0
      ? []
      : await firestore.getAll(...owners.map((uid) => firestore.collection(USERS).doc(uid)));
  const emails = new Map<string, string>();
  for (const profile of profiles) {
    const email: unknown = profile.get('email');
    if (typeof email === 'string') emails.set(profile.id, email);
  }
  return top.map(([id, requests], index) => {
    const doc = accounts[index];
    const owner = doc?.kind === 'personal' ? doc.owner_uid : undefined;
    return {
      account_id: id,
      name: doc?.name ?? null,
      email: owner === undefined ? null : (emails.get(owner) ?? null),
      plan_tier: doc?.plan_tier ?? 'free',
      requests,
    };
  });
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
 * GET /admin/stats?from&to (admin claim): platform totals per day, the top accounts and this
 * month's revenue figures. Reads O(days) documents: the platform's daily shard documents,
 * three count() aggregations, a sum() aggregation per top-account candidate, the top accounts'
 * documents and their owners' profiles, and five aggregations for the revenue (billing-figures.ts).
 */
export async function adminStats(_req: Request, res: Response): Promise<void> {
  assertAdmin(res);
  takeRouteBudget(res, 'GET /admin/stats');
  const query = queryOf(res, adminStatsQuerySchema);
  const to = query.to ?? utcDate(new Date());
  const range = parseInput(
    statsQuerySchema,
    { from: query.from ?? addDays(to, -(ADMIN_STATS_DEFAULT_DAYS - 1)), to },
    'query',
  );
  const firestore = db();
  const [{ byDate, byAccount }, accounts, activeKeys, billing] = await Promise.all([
    platformDays(range.from, range.to),
    firestore.collection(ACCOUNTS).count().get(),
    usableKeyCount(),
    billingFigures(new Date()),
  ]);

  const top = await busiestAccounts(byAccount, range.from, range.to);
  const topAccounts = await describeAccounts(top);
  const inRange = noCalls();
  const daily = datesInRange(range.from, range.to).map((date) => {
    const day = byDate.get(date) ?? noCalls();
    inRange.requests += day.requests;
    inRange.errors += day.errors;
    mergeHistogram(inRange.histogram, day.histogram);
    return {
      date,
      requests: day.requests,
      units: day.units,
      errors: day.errors,
      avg_latency_ms: averageLatency(day.latency, day.requests),
      ...latencyPercentiles(day.histogram),
    };
  });
  const body: AdminStatsResponse = {
    from: range.from,
    to: range.to,
    totals: {
      accounts: accounts.data().count,
      active_keys: activeKeys,
      requests: inRange.requests,
      errors: inRange.errors,
      ...latencyPercentiles(inRange.histogram),
    },
    daily,
    top_accounts: topAccounts,
    billing,
  };
  res.json(body);
}
