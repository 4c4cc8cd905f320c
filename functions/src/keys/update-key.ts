import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { updateKeyRequestSchema, type KeyResponse } from '../shared/contracts.js';
import { API_KEYS } from '../lib/collections.js';
import { budgetIdOf, toApiKey } from './key-doc.js';
import { assertMayManage, keyIdParam, readOwnedKey } from './owned-key.js';

/**
 * PATCH /keys/:id: renames a key (revoked ones too, so the history stays readable) and sets or
 * clears its caps. Caps belong to the key's lineage: a rolled key's successor has the same, and
 * changing them on any live key of the lineage changes them on all of them. Instances apply a
 * new cap when they next read the key (within the key cache's life, KEY_CACHE_TTL_MS).
 */
export async function updateKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_own_keys');
  const owned = await readOwnedKey(keyIdParam(req), account);
  assertMayManage(account, user.uid, owned.doc);
  const body = bodyOf(res, updateKeyRequestSchema);
  const caps = {
    ...(body.cap_monthly === undefined ? {} : { cap_monthly: body.cap_monthly }),
    ...(body.cap_per_minute === undefined ? {} : { cap_per_minute: body.cap_per_minute }),
  };
  const firestore = db();
  const source = requestSource(req, res);
  const updated = await firestore.runTransaction(async (tx) => {
    const current = await readOwnedKey(owned.id, account, tx);
    const lineage =
      Object.keys(caps).length === 0
        ? []
        : (
            await tx.get(
              firestore
                .collection(API_KEYS)
                .where('account_id', '==', account.id)
                .where('budget_id', '==', budgetIdOf(current.id, current.doc)),
            )
          ).docs.filter((doc) => doc.id !== current.id);
    const change = { ...(body.label === undefined ? {} : { label: body.label }), ...caps };
    tx.update(current.ref, change);
    for (const linked of lineage) tx.update(linked.ref, caps);
    const audit = { id: account.id, plan_tier: account.doc.plan_tier };
    const target = { type: 'key' as const, id: current.id, label: change.label ?? current.doc.label };
    if (body.label !== undefined && body.label !== current.doc.label)
      recordAudit(tx, audit, source, {
        action: 'key.renamed',
        target,
        details: { from: current.doc.label, to: body.label },
      });
    if (Object.keys(caps).length > 0)
      recordAudit(tx, audit, source, {
        action: 'key.caps_changed',
        target,
        details: {
          ...(caps.cap_monthly === undefined ? {} : { cap_monthly: caps.cap_monthly }),
          ...(caps.cap_per_minute === undefined ? {} : { cap_per_minute: caps.cap_per_minute }),
        },
      });
    return { ...current.doc, ...change };
  });
  log.keyUpdated({ account_id: account.id, user_id: user.uid, key_id: owned.id, fields: Object.keys(body) });
  const response: KeyResponse = { key: toApiKey(owned.id, updated, new Date()) };
  res.json(response);
}
