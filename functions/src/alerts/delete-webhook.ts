import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { notFound } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { alertSettingsRef, parseAlertSettings } from './settings.js';

/**
 * DELETE /alerts/webhook: no more webhook events; deliveries still pending end `failed` at
 * their next attempt. Without a webhook registered it is a 404 and changes nothing.
 */
export async function deleteWebhook(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_alerts');
  const ref = alertSettingsRef(account.id);
  const source = requestSource(req, res);
  const removed = await db().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const current = parseAlertSettings(snapshot.data());
    if (current.webhook === null) return false;
    tx.update(ref, { webhook: null, updated_at: Timestamp.now() });
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'alerts.webhook_deleted',
      target: { type: 'alerts', id: account.id, label: new URL(current.webhook.url).host },
    });
    return true;
  });
  if (!removed) throw notFound('webhook');
  log.webhookRemoved({ account_id: account.id, user_id: user.uid });
  res.status(204).end();
}
