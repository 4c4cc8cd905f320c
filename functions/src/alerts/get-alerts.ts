import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { db } from '../lib/firebase.js';
import { ALERTS } from '../lib/collections.js';
import { RECENT_ALERTS_LIMIT, type AlertsResponse } from '../shared/contracts.js';
import { alertDocSchema, toFiredAlert } from './alert-doc.js';
import { readAlertSettings, toAlertSettings } from './settings.js';

/** GET /alerts: the account's alert settings (never the webhook's secret) and its latest alerts. */
export async function getAlerts(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const [settings, fired] = await Promise.all([
    readAlertSettings(account.id),
    db()
      .collection(ALERTS)
      .where('account_id', '==', account.id)
      .orderBy('fired_at', 'desc')
      .limit(RECENT_ALERTS_LIMIT)
      .get(),
  ]);
  const body: AlertsResponse = {
    settings: toAlertSettings(settings),
    alerts: fired.docs.flatMap((doc) => {
      const parsed = alertDocSchema.safeParse(doc.data());
      return parsed.success ? [toFiredAlert(doc.id, parsed.data)] : [];
    }),
  };
  res.json(body);
}
