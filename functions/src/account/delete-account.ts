import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { userOf } from '../http/auth.js';
import { closeBillingAccount } from '../billing/close-billing-account.js';
import { expectNoBody, expectNoQuery } from '../http/empty-input.js';
import { keyRevocationWrite } from '../keys/revocation-feed.js';
import { auth, db } from '../lib/firebase.js';
import {
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  DELETED_USERS,
  USERS,
} from '../lib/collections.js';
import { log } from '../lib/log.js';

const PAGE_SIZE = 500;
const TOMBSTONE_TTL_MS = 2 * 86_400_000;

async function deleteWhereUser(collection: string, userId: string): Promise<number> {
  const firestore = db();
  let deleted = 0;
  for (;;) {
    const page = await firestore
      .collection(collection)
      .where('user_id', '==', userId)
      .select()
      .limit(PAGE_SIZE)
      .get();
    if (page.empty) return deleted;
    const batch = firestore.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += page.size;
  }
}

async function revokeAll(userId: string): Promise<number> {
  const firestore = db();
  const keys = await firestore.collection(API_KEYS).where('user_id', '==', userId).get();
  const revokedAt = Timestamp.now();
  // Two writes per key: the key and its revocation feed entry, so API instances drop it too.
  for (let start = 0; start < keys.docs.length; start += PAGE_SIZE / 2) {
    const batch = firestore.batch();
    for (const doc of keys.docs.slice(start, start + PAGE_SIZE / 2)) {
      if (doc.get('is_active') !== true) continue;
      batch.update(doc.ref, { is_active: false, revoked_at: revokedAt });
      const revocation = keyRevocationWrite(doc.id, 'account_deleted');
      batch.set(revocation.ref, revocation.data);
    }
    await batch.commit();
  }
  return keys.size;
}

/**
 * Written first, so that no request racing the deletion can create the profile again. It
 * outlives every ID token issued before it (an hour at most; refreshes need the deleted user).
 */
async function writeTombstone(userId: string): Promise<void> {
  await db()
    .collection(DELETED_USERS)
    .doc(userId)
    .set({
      deleted_at: FieldValue.serverTimestamp(),
      expire_at: Timestamp.fromMillis(Date.now() + TOMBSTONE_TTL_MS),
    });
}

function isUserNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === 'auth/user-not-found'
  );
}

/**
 * DELETE /me: closes the Stripe customer (so nothing is charged again), revokes every key (so a
 * failure half-way leaves no usable key), then deletes
 * keys, raw usage, aggregates and the profile, and last the Auth user. Each step finds only what
 * is left, so repeating the request after a failure finishes the job. Usage still buffered on an
 * API instance is discarded by foldUsage once the keys are gone.
 */
export async function deleteAccount(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  expectNoQuery(req);
  await expectNoBody(req);
  await writeTombstone(user.uid);
  const profile = await db().collection(USERS).doc(user.uid).get();
  const customerId: unknown = profile.get('stripe_customer_id');
  await closeBillingAccount(user.uid, typeof customerId === 'string' ? customerId : undefined);
  const keys = await revokeAll(user.uid);
  let documents = 0;
  for (const collection of [API_USAGE_EVENTS, API_USAGE_DAILY, API_USAGE_MONTHLY, API_KEYS]) {
    documents += await deleteWhereUser(collection, user.uid);
  }
  await db().collection(USERS).doc(user.uid).delete();
  try {
    await auth().deleteUser(user.uid);
  } catch (error) {
    if (!isUserNotFound(error)) throw error;
  }
  log.accountDeleted({ user_id: user.uid, keys, documents });
  res.status(204).end();
}
