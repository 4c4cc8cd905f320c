import { Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { userOf } from '../http/auth.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import type { KeyResponse } from '../shared/contracts.js';
import { toApiKey } from './key-doc.js';
import { assertMayManage, keyIdParam, readOwnedKey } from './owned-key.js';
import { keyRevocationWrite } from './revocation-feed.js';

/**
 * POST /keys/:id/revoke: final. Revoking a revoked key changes nothing. The revocation feed entry
 * is written in the same commit, so every API instance refuses the key within REVOCATION_BOUND_MS.
 */
export async function revokeKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_own_keys');
  const owned = await readOwnedKey(keyIdParam(req), account);
  assertMayManage(account, user.uid, owned.doc);
  const source = requestSource(req, res);
  const revoked = await db().runTransaction(async (tx) => {
    const current = await readOwnedKey(owned.id, account, tx);
    if (!current.doc.is_active && current.doc.revoked_at !== undefined)
      return { doc: current.doc, changed: false };
    const revokedAt = Timestamp.now();
    tx.update(current.ref, { is_active: false, revoked_at: revokedAt });
    const revocation = keyRevocationWrite(current.id, 'revoked');
    tx.set(revocation.ref, revocation.data);
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, source, {
      action: 'key.revoked',
      target: { type: 'key', id: current.id, label: current.doc.label },
    });
    return { doc: { ...current.doc, is_active: false, revoked_at: revokedAt }, changed: true };
  });
  if (revoked.changed) log.keyRevoked({ account_id: account.id, user_id: user.uid, key_id: owned.id });
  const response: KeyResponse = { key: toApiKey(owned.id, revoked.doc, new Date()) };
  res.json(response);
}
