import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { ApiError } from '../http/api-error.js';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { rollKeyRequestSchema, type RollKeyResponse } from '../shared/contracts.js';
import { budgetIdOf, isUsable, readKeyDoc, toApiKey } from './key-doc.js';
import { newKey } from './new-key.js';
import { assertBelowKeyCap, assertMayManage, keyIdParam, readOwnedKey } from './owned-key.js';
import { keyRevocationWrite } from './revocation-feed.js';

const HOUR_MS = 3_600_000;

/**
 * POST /keys/:id/roll: a new key with the same label, scopes, caps, integration and metadata; the old one keeps working
 * for the grace period and then expires. Both draw on one budget: the account's limits, and the
 * lineage's caps (`budget_id`), so rolling is not a way to reset a limit. The old key counts
 * against the key cap until it expires, so a chain of rolls cannot multiply live keys.
 */
export async function rollKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_own_keys');
  const owned = await readOwnedKey(keyIdParam(req), account);
  assertMayManage(account, user.uid, owned.doc);
  const body = bodyOf(res, rollKeyRequestSchema);
  const firestore = db();
  const newRef = firestore.collection(API_KEYS).doc();
  const now = new Date();
  const source = requestSource(req, res);

  const result = await firestore.runTransaction(async (tx) => {
    const current = await readOwnedKey(owned.id, account, tx);
    if (!isUsable(current.doc, now)) throw new ApiError('conflict', 'Only an active key can be rolled.');
    if (current.doc.replaced_by !== undefined) throw new ApiError('conflict', 'This key was already rolled.');
    // With a grace period the old key stays live beside the new one; without, it expires now.
    if (body.grace_period_hours > 0) await assertBelowKeyCap(account.id, tx, now);
    const created = newKey({
      accountId: account.id,
      createdBy: user.uid,
      label: current.doc.label,
      scopes: current.doc.scopes,
      integration: current.doc.integration,
      metadata: current.doc.metadata,
      now,
      ...(current.doc.expires_at === undefined ? {} : { expiresAt: current.doc.expires_at.toDate() }),
      lineage: {
        budgetId: budgetIdOf(current.id, current.doc),
        capMonthly: current.doc.cap_monthly,
        capPerMinute: current.doc.cap_per_minute,
      },
    });
    const graceEnd = now.getTime() + body.grace_period_hours * HOUR_MS;
    const oldExpiry = current.doc.expires_at?.toMillis() ?? Number.POSITIVE_INFINITY;
    const expiresAt = Timestamp.fromMillis(Math.min(graceEnd, oldExpiry));
    tx.create(newRef, created.data);
    tx.update(current.ref, { expires_at: expiresAt, replaced_by: newRef.id });
    // The new expiry may be now (a grace period of 0): instances must re-read the old key.
    const revocation = keyRevocationWrite(current.id, 'rolled');
    tx.set(revocation.ref, revocation.data);
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'key.rolled',
      target: { type: 'key', id: current.id, label: current.doc.label },
      details: { new_key_id: newRef.id, grace_period_hours: body.grace_period_hours },
    });
    return {
      secret: created.secret,
      created: readKeyDoc(created.data),
      previous: { ...current.doc, expires_at: expiresAt, replaced_by: newRef.id },
    };
  });

  log.keyRolled({
    account_id: account.id,
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
