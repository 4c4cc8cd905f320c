import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { assertAdmin } from '../http/auth.js';
import { parseInput, parseQuery } from '../http/parse.js';
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
import { allAccountDays } from '../usage/daily-queries.js';
import { averageLatency, datesInRange } from '../usage/stats-series.js';

const PAGE_SIZE = 1_000;

interface DayTotals {
  requests: number;
  errors: number;
  latency: number;
}

async function platformDays(from: string, to: string) {
  const byDate = new Map<string, DayTotals>();
  const byUser = new Map<string, number>();
  const fields = ['user_id', 'total_requests', 'error_count', 'latency_ms_sum'];
  for await (const doc of allAccountDays({ from, to }, fields, PAGE_SIZE)) {
    const date = String(doc.get('date'));
    const userId = String(doc.get('user_id'));
    const requests = Number(doc.get('total_requests') ?? 0);
    const day = byDate.get(date) ?? { requests: 0, errors: 0, latency: 0 };
    day.requests += requests;
    day.errors += Number(doc.get('error_count') ?? 0);
    day.latency += Number(doc.get('latency_ms_sum') ?? 0);
    byDate.set(date, day);
    byUser.set(userId, (byUser.get(userId) ?? 0) + requests);
  }
  return { byDate, byUser };
}

async function usableKeyCount(): Promise<number> {
  const active = db().collection(API_KEYS).where('is_active', '==', true);
  const [all, expired] = await Promise.all([
    active.count().get(),
    active.where('expires_at', '<=', Timestamp.now()).count().get(),
  ]);
  return all.data().count - expired.data().count;
}

/** GET /admin/stats?from&to (admin claim): platform totals per day and the top accounts. */
export async function adminStats(req: Request, res: Response): Promise<void> {
  assertAdmin(res);
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

  const top = [...byUser]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, ADMIN_TOP_ACCOUNTS);
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
