import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { createKeyRequestSchema, type CreateKeyResponse } from '../shared/contracts.js';
import { readKeyDoc, toApiKey } from './key-doc.js';
import { newKey, type NewKey } from './new-key.js';
import { assertBelowKeyCap } from './owned-key.js';

const DAY_MS = 86_400_000;

/** POST /keys: the only response besides a roll that carries the key's plaintext. */
export async function createKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const account = accountFor(res, 'manage_own_keys');
  const body = bodyOf(res, createKeyRequestSchema);
  const now = new Date();
  const firestore = db();
  const ref = firestore.collection(API_KEYS).doc();
  const created = await firestore.runTransaction(async (tx): Promise<NewKey> => {
    await assertBelowKeyCap(account.id, tx, now);
    const key = newKey({
      accountId: account.id,
      createdBy: user.uid,
      label: body.label,
      scopes: body.scopes,
      integration: body.integration ?? null,
      metadata: body.metadata ?? null,
      now,
      ...(body.expires_in_days === undefined
        ? {}
        : { expiresAt: new Date(now.getTime() + body.expires_in_days * DAY_MS) }),
    });
    tx.create(ref, key.data);
    recordAudit(tx, { id: account.id, plan_tier: account.doc.plan_tier }, requestSource(req, res), {
      action: 'key.created',
      target: { type: 'key', id: ref.id, label: body.label },
      details: {
        key_prefix: readKeyDoc(key.data).key_prefix,
        scopes: body.scopes.join(' '),
        ...(body.integration === undefined ? {} : { integration: body.integration }),
      },
    });
    return key;
  });
  const doc = readKeyDoc(created.data);
  log.keyCreated({
    account_id: account.id,
    user_id: user.uid,
    key_id: ref.id,
    key_prefix: doc.key_prefix,
    scopes: doc.scopes,
  });
  const response: CreateKeyResponse = { key: toApiKey(ref.id, doc, now), secret: created.secret };
  res.status(201).json(response);
}
