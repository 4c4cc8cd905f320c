import type { Request, Response } from 'express';
import { userOf } from '../http/auth.js';
import { expectNoQuery } from '../http/empty-input.js';
import { readKeyDoc, isUsable, usageThisPeriod } from '../keys/key-doc.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import type { MeResponse } from '../shared/contracts.js';
import { periodEnd, utcDate, utcPeriod } from '../shared/dates.js';
import { PLANS } from '../shared/plans.js';
import { loadAccountDays } from '../usage/daily-queries.js';
import { ensureProfile, toProfile } from '../accounts/profile.js';

/** GET /me: the profile (created on the first call) and this period's usage. */
export async function getMe(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  expectNoQuery(req);
  const profile = await ensureProfile(user);
  const now = new Date();
  const period = utcPeriod(now);
  const [keys, days] = await Promise.all([
    db().collection(API_KEYS).where('user_id', '==', user.uid).orderBy('created_at', 'desc').get(),
    loadAccountDays(user.uid, `${period}-01`, utcDate(now)),
  ]);
  const keyDocs = keys.docs.map((doc) => ({ id: doc.id, doc: readKeyDoc(doc.data()) }));
  let requests = 0;
  for (const day of days.values()) requests += day.total_requests;

  const body: MeResponse = {
    user: toProfile(user, profile),
    usage: {
      period,
      requests,
      limit_per_key: PLANS[profile.plan_tier].monthly_limit,
      resets_at: periodEnd(period).toISOString(),
      active_keys: keyDocs.filter(({ doc }) => isUsable(doc, now)).length,
      keys: keyDocs
        .filter(({ doc }) => isUsable(doc, now) || usageThisPeriod(doc, now) > 0)
        .map(({ id, doc }) => ({
          id,
          label: doc.label,
          requests: usageThisPeriod(doc, now),
          limit: doc.rate_limit_monthly,
        })),
    },
  };
  res.json(body);
}
