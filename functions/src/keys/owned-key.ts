import type { DocumentReference, Transaction } from 'firebase-admin/firestore';
import type { Request } from 'express';
import type { AccountAccess } from '../accounts/access.js';
import { ApiError, notFound } from '../http/api-error.js';
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { keyIdSchema, MAX_ACTIVE_KEYS_PER_ACCOUNT } from '../shared/contracts.js';
import { can } from '../shared/roles.js';
import { isUsable, readKeyDoc, type KeyDoc } from './key-doc.js';

export interface OwnedKey {
  ref: DocumentReference;
  id: string;
  doc: KeyDoc;
}

/**
 * A key of the request's account, or 404: a malformed id, a missing key and another account's
 * key are indistinguishable, so ids cannot be probed.
 */
export async function readOwnedKey(
  keyId: unknown,
  account: AccountAccess,
  tx?: Transaction,
): Promise<OwnedKey> {
  const id = keyIdSchema.safeParse(keyId);
  if (!id.success) throw notFound('key');
  const ref = db().collection(API_KEYS).doc(id.data);
  const snapshot = tx === undefined ? await ref.get() : await tx.get(ref);
  if (!snapshot.exists) throw notFound('key');
  const doc = readKeyDoc(snapshot.data());
  if (doc.account_id !== account.id) throw notFound('key');
  return { ref, id: id.data, doc };
}

/** Changing a key: any key with `manage_all_keys`, only one's own with `manage_own_keys`. */
export function assertMayManage(account: AccountAccess, uid: string, doc: KeyDoc): void {
  if (can(account.role, 'manage_all_keys')) return;
  if (can(account.role, 'manage_own_keys') && doc.created_by === uid) return;
  throw new ApiError(
    'forbidden',
    `Your role in this account (${account.role}) does not allow changing this key.`,
  );
}

export function keyIdParam(req: Request): unknown {
  return req.params.id;
}

/**
 * Keys counted against the cap: every usable one, rolled keys in their grace period included,
 * so a chain of rolls cannot hold more live keys than the cap.
 */
export async function assertBelowKeyCap(accountId: string, tx: Transaction, now: Date): Promise<void> {
  const active = await tx.get(
    db().collection(API_KEYS).where('account_id', '==', accountId).where('is_active', '==', true),
  );
  const counted = active.docs
    .map((snapshot) => readKeyDoc(snapshot.data()))
    .filter((doc) => isUsable(doc, now)).length;
  if (counted >= MAX_ACTIVE_KEYS_PER_ACCOUNT) {
    throw new ApiError(
      'key_limit_reached',
      `An account can have at most ${MAX_ACTIVE_KEYS_PER_ACCOUNT} active keys, keys in a roll's grace period ` +
        'included. Revoke one you no longer use first.',
    );
  }
}
