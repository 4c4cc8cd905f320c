import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { registerWebhookRequestSchema, type RegisterWebhookResponse } from '../shared/contracts.js';
import { alertSettingsRef, parseAlertSettings } from './settings.js';
import { newWebhookSecret } from './signature.js';
import { checkedAddresses, currentPolicy, TargetRefused, urlProblem } from './webhook-target.js';

const REGISTRATION_LOOKUP_MS = 3_000;

function refuse(problem: string): ApiError {
  return new ApiError('invalid_request', `url: ${problem}.`, 'url');
}

/**
 * A name that resolves to a refused address now is refused now; one that does not resolve yet
 * is accepted, and every delivery checks it again anyway.
 */
async function checkResolvedNow(url: URL): Promise<void> {
  const lookup = checkedAddresses(url.hostname, currentPolicy()).then(
    () => undefined,
    (error: unknown) => {
      if (error instanceof TargetRefused && error.reason === 'refused') throw refuse(error.message);
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, REGISTRATION_LOOKUP_MS);
  });
  try {
    await Promise.race([lookup, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * PUT /alerts/webhook {url}: registers the account's webhook, or replaces it, with a new signing
 * secret each time. The answer is the only place the secret is ever shown; deliveries still
 * pending are signed with it from now on.
 */
export async function registerWebhook(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_alerts');
  const { url } = bodyOf(res, registerWebhookRequestSchema);
  const problem = urlProblem(url, currentPolicy());
  if (problem !== null) throw refuse(problem);
  const parsedUrl = new URL(url);
  await checkResolvedNow(parsedUrl);
  const secret = newWebhookSecret();
  const createdAt = Timestamp.now();
  const ref = alertSettingsRef(account.id);
  const source = requestSource(req, res);
  await db().runTransaction(async (tx) => {
    const current = parseAlertSettings((await tx.get(ref)).data());
    tx.set(ref, {
      quota_thresholds: current.quota_thresholds,
      low_credits_units: current.low_credits_units,
      email: current.email,
      webhook: { url, secret, created_at: createdAt },
      updated_at: createdAt,
    });
    // The host only: a URL's path or query may carry the receiver's own token.
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'alerts.webhook_registered',
      target: { type: 'alerts', id: account.id, label: parsedUrl.host },
    });
  });
  log.webhookRegistered({ account_id: account.id, user_id: user.uid, host: parsedUrl.host });
  const response: RegisterWebhookResponse = {
    webhook: { url, created_at: createdAt.toDate().toISOString() },
    secret,
  };
  res.json(response);
}
