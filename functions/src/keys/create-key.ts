import type { Request, Response } from 'express';
import { ensureProfile, userDocSchema } from '../accounts/profile.js';
import { userOf } from '../http/auth.js';
import { parseBody } from '../http/parse.js';
import { db } from '../lib/firebase.js';
import { API_KEYS, USERS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { createKeyRequestSchema, type CreateKeyResponse } from '../shared/contracts.js';
import { readKeyDoc, toApiKey } from './key-doc.js';
import { newKey, type NewKey } from './new-key.js';
import { assertBelowKeyCap } from './owned-key.js';

const DAY_MS = 86_400_000;

/** POST /keys: the only response besides a roll that carries the key's plaintext. */
export async function createKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const body = await parseBody(req, createKeyRequestSchema);
  await ensureProfile(user);
  const now = new Date();
  const firestore = db();
  const ref = firestore.collection(API_KEYS).doc();
  // The plan is read in the transaction: a billing webhook moving the account's keys to another
  // plan either sees this key or commits after it, never leaving it on the old limits.
  const created = await firestore.runTransaction(async (tx): Promise<NewKey> => {
    const profile = userDocSchema.parse((await tx.get(firestore.collection(USERS).doc(user.uid))).data());
    await assertBelowKeyCap(user.uid, tx, now);
    const key = newKey({
      userId: user.uid,
      label: body.label,
      scopes: body.scopes,
      tier: profile.plan_tier,
      now,
      ...(body.expires_in_days === undefined
        ? {}
        : { expiresAt: new Date(now.getTime() + body.expires_in_days * DAY_MS) }),
    });
    tx.create(ref, key.data);
    return key;
  });
  const doc = readKeyDoc(created.data);
  log.keyCreated({ user_id: user.uid, key_id: ref.id, key_prefix: doc.key_prefix, scopes: doc.scopes });
  const response: CreateKeyResponse = { key: toApiKey(ref.id, doc, now), secret: created.secret };
  res.status(201).json(response);
}
