import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { parseBody } from '../http/parse.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { rollKeyRequestSchema, type RollKeyResponse } from '../shared/contracts.js';
import { utcPeriod } from '../shared/dates.js';
import { isUsable, readKeyDoc, toApiKey, usageThisPeriod } from './key-doc.js';
import { newKey } from './new-key.js';
import { keyIdParam, readOwnedKey } from './owned-key.js';
import { keyRevocationWrite } from './revocation-feed.js';

const HOUR_MS = 3_600_000;

/**
 * POST /keys/:id/roll: a new key with the same label, scopes, plan and limits; the old one keeps
 * working for the grace period and then expires. The new key starts with the old key's usage
 * this month, so rolling is not a way to reset a quota.
 */
export async function rollKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const owned = await readOwnedKey(keyIdParam(req), user.uid);
  const body = await parseBody(req, rollKeyRequestSchema);
  const firestore = db();
  const newRef = firestore.collection(API_KEYS).doc();
  const now = new Date();

  const result = await firestore.runTransaction(async (tx) => {
    const current = await readOwnedKey(owned.id, user.uid, tx);
    if (!isUsable(current.doc, now)) throw new ApiError('conflict', 'Only an active key can be rolled.');
    if (current.doc.replaced_by !== undefined) throw new ApiError('conflict', 'This key was already rolled.');
    const created = newKey({
      userId: user.uid,
      label: current.doc.label,
      scopes: current.doc.scopes,
      tier: current.doc.tier,
      now,
      ...(current.doc.expires_at === undefined ? {} : { expiresAt: current.doc.expires_at.toDate() }),
      limits: {
        rate_limit_monthly: current.doc.rate_limit_monthly,
        rate_limit_per_minute: current.doc.rate_limit_per_minute,
      },
      usage: { monthly_usage: usageThisPeriod(current.doc, now), usage_period: utcPeriod(now) },
    });
    const graceEnd = now.getTime() + body.grace_period_hours * HOUR_MS;
    const oldExpiry = current.doc.expires_at?.toMillis() ?? Number.POSITIVE_INFINITY;
    const expiresAt = Timestamp.fromMillis(Math.min(graceEnd, oldExpiry));
    tx.create(newRef, created.data);
    tx.update(current.ref, { expires_at: expiresAt, replaced_by: newRef.id });
    // The new expiry may be now (a grace period of 0): instances must re-read the old key.
    const revocation = keyRevocationWrite(current.id, 'rolled');
    tx.set(revocation.ref, revocation.data);
    return {
      secret: created.secret,
      created: readKeyDoc(created.data),
      previous: { ...current.doc, expires_at: expiresAt, replaced_by: newRef.id },
    };
  });

  log.keyRolled({
    user_id: user.uid,
    key_id: owned.id,
    new_key_id: newRef.id,
    grace_period_hours: body.grace_period_hours,
  });
  const response: RollKeyResponse = {
    key: toApiKey(newRef.id, result.created, now),
    secret: result.secret,
    previous: toApiKey(owned.id, result.previous, now),
  };
  res.status(201).json(response);
}
