import { FieldValue } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { updateKeyRequestSchema, type KeyMetadata, type KeyResponse } from '../shared/contracts.js';
import { API_KEYS } from '../lib/collections.js';
import { budgetIdOf, toApiKey } from './key-doc.js';
import { storedMetadata } from './new-key.js';
import { assertMayManage, keyIdParam, readOwnedKey } from './owned-key.js';

/**
 * PATCH /keys/:id: renames a key (revoked ones too, so the history stays readable), replaces or
 * clears its metadata, and sets or clears its caps. Metadata is the key's own: a successor gets a
 * copy when the key is rolled and goes its own way after. Caps belong to the key's lineage: a
 * rolled key's successor has the same, and changing them on any live key of the lineage changes
 * them on all of them. Instances apply a new cap, and verify answers new metadata, when they next
 * read the key (within the key cache's life, KEY_CACHE_TTL_MS).
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
    const metadata = body.metadata === undefined ? undefined : storedMetadata(body.metadata);
    const change = { ...(body.label === undefined ? {} : { label: body.label }), ...caps };
    tx.update(current.ref, {
      ...change,
      ...(metadata === undefined ? {} : { metadata: metadata ?? FieldValue.delete() }),
    });
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
    if (metadata !== undefined && !sameMetadata(metadata, current.doc.metadata))
      recordAudit(tx, audit, source, {
        action: 'key.metadata_changed',
        target,
        // The names only: values may be a customer's own identifiers.
        details: {
          properties: Object.keys(metadata ?? {})
            .join(' ')
            .slice(0, 200),
        },
      });
    return { ...current.doc, ...change, ...(metadata === undefined ? {} : { metadata }) };
  });
  log.keyUpdated({ account_id: account.id, user_id: user.uid, key_id: owned.id, fields: Object.keys(body) });
  const response: KeyResponse = { key: toApiKey(owned.id, updated, new Date()) };
  res.json(response);
}

function sameMetadata(a: KeyMetadata | null, b: KeyMetadata | null): boolean {
  const entries = (metadata: KeyMetadata | null) =>
    JSON.stringify(Object.entries(metadata ?? {}).sort(([x], [y]) => (x < y ? -1 : 1)));
  return entries(a) === entries(b);
}
