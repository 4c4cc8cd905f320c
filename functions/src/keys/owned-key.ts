import type { DocumentReference, Transaction } from 'firebase-admin/firestore';
import type { Request } from 'express';
import { ApiError, notFound } from '../http/api-error.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { keyIdSchema, MAX_ACTIVE_KEYS_PER_ACCOUNT } from '../shared/contracts.js';
import { isUsable, readKeyDoc, type KeyDoc } from './key-doc.js';

export interface OwnedKey {
  ref: DocumentReference;
  id: string;
  doc: KeyDoc;
}

/**
 * The caller's key, or 404: a malformed id, a missing key and another account's key are
 * indistinguishable, so ids cannot be probed.
 */
export async function readOwnedKey(keyId: unknown, userId: string, tx?: Transaction): Promise<OwnedKey> {
  const id = keyIdSchema.safeParse(keyId);
  if (!id.success) throw notFound('key');
  const ref = db().collection(API_KEYS).doc(id.data);
  const snapshot = tx === undefined ? await ref.get() : await tx.get(ref);
  if (!snapshot.exists) throw notFound('key');
  const doc = readKeyDoc(snapshot.data());
  if (doc.user_id !== userId) throw notFound('key');
  return { ref, id: id.data, doc };
}

export function keyIdParam(req: Request): unknown {
  return req.params.id;
}

/** Keys counted against the cap: usable, and not a rolled key in its grace period. */
export async function assertBelowKeyCap(userId: string, tx: Transaction, now: Date): Promise<void> {
  const active = await tx.get(
    db().collection(API_KEYS).where('user_id', '==', userId).where('is_active', '==', true),
  );
  const counted = active.docs
    .map((snapshot) => readKeyDoc(snapshot.data()))
    .filter((doc) => isUsable(doc, now) && doc.replaced_by === undefined).length;
  if (counted >= MAX_ACTIVE_KEYS_PER_ACCOUNT) {
    throw new ApiError(
      'key_limit_reached',
      `An account can have at most ${MAX_ACTIVE_KEYS_PER_ACCOUNT} active keys. Revoke one you no longer use first.`,
    );
  }
}
