import type { Request, Response } from 'express';
import { userOf } from '../http/auth.js';
import { expectNoQuery } from '../http/empty-input.js';
import { readKeyDoc, toApiKey } from '../keys/key-doc.js';
import { db } from '../lib/firebase.js';
import { API_KEYS, API_USAGE_DAILY, API_USAGE_MONTHLY } from '../lib/collections.js';
import type { AccountExport } from '../shared/contracts.js';
import { readDailyDoc } from '../usage/daily-doc.js';
import { dailyPoint, dayTotals } from '../usage/stats-series.js';
import { ensureProfile, toProfile } from './profile.js';

/** GET /me/export: everything Keymeter keeps about the account, as JSON. */
export async function exportAccount(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  expectNoQuery(req);
  const profile = await ensureProfile(user);
  const firestore = db();
  const [keys, daily, monthly] = await Promise.all([
    firestore.collection(API_KEYS).where('user_id', '==', user.uid).orderBy('created_at', 'desc').get(),
    firestore.collection(API_USAGE_DAILY).where('user_id', '==', user.uid).orderBy('date').get(),
    firestore.collection(API_USAGE_MONTHLY).where('user_id', '==', user.uid).get(),
  ]);
  const now = new Date();
  const body: AccountExport = {
    exported_at: now.toISOString(),
    profile: toProfile(user, profile),
    keys: keys.docs.map((doc) => toApiKey(doc.id, readKeyDoc(doc.data()), now)),
    usage_daily: daily.docs.map((doc) => {
      const day = readDailyDoc(doc.data());
      const totals = dayTotals(day, null);
      return {
        ...dailyPoint(day.date, totals),
        by_endpoint: totals.by_endpoint,
        by_status: totals.by_status,
      };
    }),
    usage_monthly: monthly.docs
      .map((doc) => ({
        period: String(doc.get('period')),
        requests: Number(doc.get('total_requests') ?? 0),
        errors: Number(doc.get('error_count') ?? 0),
      }))
      .sort((a, b) => a.period.localeCompare(b.period)),
  };
  res.setHeader('Content-Disposition', 'attachment; filename="keymeter-account.json"');
  res.json(body);
}
