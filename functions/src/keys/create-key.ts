import type { Request, Response } from 'express';
import { ensureProfile } from '../account/profile.js';
import { userOf } from '../http/auth.js';
import { parseBody } from '../http/parse.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { createKeyRequestSchema, type CreateKeyResponse } from '../shared/contracts.js';
import { readKeyDoc, toApiKey } from './key-doc.js';
import { newKey } from './new-key.js';
import { assertBelowKeyCap } from './owned-key.js';

const DAY_MS = 86_400_000;

/** POST /keys: the only response besides a roll that carries the key's plaintext. */
export async function createKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const body = await parseBody(req, createKeyRequestSchema);
  const profile = await ensureProfile(user);
  const now = new Date();
  const created = newKey({
    userId: user.uid,
    label: body.label,
    scopes: body.scopes,
    tier: profile.plan_tier,
    now,
    ...(body.expires_in_days === undefined
      ? {}
      : { expiresAt: new Date(now.getTime() + body.expires_in_days * DAY_MS) }),
  });
  const firestore = db();
  const ref = firestore.collection(API_KEYS).doc();
  await firestore.runTransaction(async (tx) => {
    await assertBelowKeyCap(user.uid, tx, now);
    tx.create(ref, created.data);
  });
  const doc = readKeyDoc(created.data);
  log.keyCreated({ user_id: user.uid, key_id: ref.id, key_prefix: doc.key_prefix, scopes: doc.scopes });
  const response: CreateKeyResponse = { key: toApiKey(ref.id, doc, now), secret: created.secret };
  res.status(201).json(response);
}
