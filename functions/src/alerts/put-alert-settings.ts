import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { alertSettingsRequestSchema, type AlertSettingsResponse } from '../shared/contracts.js';
import { alertSettingsRef, parseAlertSettings, toAlertSettings } from './settings.js';

/**
 * PUT /alerts/settings: thresholds, the low-credits level and the email channel, all at once.
 * The webhook has routes of its own. New thresholds apply from the next lease on; an alert that
 * already fired this period is not fired again.
 */
export async function putAlertSettings(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_alerts');
  const body = bodyOf(res, alertSettingsRequestSchema);
  const ref = alertSettingsRef(account.id);
  const source = requestSource(req, res);
  const saved = await db().runTransaction(async (tx) => {
    const current = parseAlertSettings((await tx.get(ref)).data());
    const change = {
      quota_thresholds: body.quota_thresholds,
      low_credits_units: body.low_credits_units,
      email: body.email,
      updated_at: Timestamp.now(),
    };
    tx.set(ref, { ...change, webhook: current.webhook });
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'alerts.settings_changed',
      target: { type: 'alerts', id: account.id },
      details: {
        quota_thresholds: body.quota_thresholds.join(' '),
        low_credits_units: body.low_credits_units,
        email_enabled: body.email.enabled,
        recipients: body.email.recipients.length,
      },
    });
    return { ...current, ...change };
  });
  log.alertSettingsUpdated({ account_id: account.id, user_id: user.uid, fields: Object.keys(body) });
  const response: AlertSettingsResponse = { settings: toAlertSettings(saved) };
  res.json(response);
}
