import type { Request, Response } from 'express';
import { userOf } from '../http/auth.js';
import { parseBody } from '../http/parse.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { updateKeyRequestSchema, type KeyResponse } from '../shared/contracts.js';
import { toApiKey } from './key-doc.js';
import { keyIdParam, readOwnedKey } from './owned-key.js';

/** PATCH /keys/:id: renames a key (revoked ones too, so the history stays readable). */
export async function updateKey(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const owned = await readOwnedKey(keyIdParam(req), user.uid);
  const body = await parseBody(req, updateKeyRequestSchema);
  const updated = await db().runTransaction(async (tx) => {
    const current = await readOwnedKey(owned.id, user.uid, tx);
    tx.update(current.ref, { label: body.label });
    return { ...current.doc, label: body.label };
  });
  log.keyRenamed({ user_id: user.uid, key_id: owned.id });
  const response: KeyResponse = { key: toApiKey(owned.id, updated, new Date()) };
  res.json(response);
}
