import {
  FieldValue,
  Timestamp,
  type CollectionReference,
  type DocumentSnapshot,
  type QuerySnapshot,
} from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountRef } from '../accounts/account-doc.js';
import { userOf } from '../http/auth.js';
import { closeBillingAccount } from '../billing/close-billing-account.js';
import { keyRevocationWrite } from '../keys/revocation-feed.js';
import { auth, db } from '../lib/firebase.js';
import {
  ACCOUNT_BUDGETS,
  ALERT_EMAILS,
  ALERT_SETTINGS,
  ALERTS,
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  CREDIT_LEDGER,
  DELETED_USERS,
  KEY_BUDGETS,
  MEMBERS,
  NOTIFICATIONS,
  USERS,
  WEBHOOK_DELIVERIES,
} from '../lib/collections.js';
import { METER_BUDGETS } from '../keys/meter-ledger.js';
import { log } from '../lib/log.js';

const PAGE_SIZE = 500;
const TOMBSTONE_TTL_MS = 2 * 86_400_000;
/**
 * The fields that name a document's account: `account_id`, and `user_id` on documents written
 * before accounts that the migration has not rewritten yet (a personal account's id is the uid).
 */
const OWNER_FIELDS = ['account_id', 'user_id'] as const;

/** Deletes what `page` finds, a page at a time, until it finds nothing. */
async function deletePages(page: () => Promise<QuerySnapshot>): Promise<number> {
  const firestore = db();
  let deleted = 0;
  for (;;) {
    const found = await page();
    if (found.empty) return deleted;
    const batch = firestore.batch();
    for (const doc of found.docs) batch.delete(doc.ref);
    await batch.commit();
    deleted += found.size;
  }
}

function deleteWhereOwner(collection: string, accountId: string): Promise<number[]> {
  return Promise.all(
    OWNER_FIELDS.map((field) =>
      deletePages(() =>
        db().collection(collection).where(field, '==', accountId).select().limit(PAGE_SIZE).get(),
      ),
    ),
  );
}

function deleteCollection(collection: CollectionReference): Promise<number> {
  return deletePages(() => collection.select().limit(PAGE_SIZE).get());
}

async function revokeAll(accountId: string): Promise<number> {
  const firestore = db();
  const found = await Promise.all(
    OWNER_FIELDS.map((field) => firestore.collection(API_KEYS).where(field, '==', accountId).get()),
  );
  const keys = found.flatMap((snapshot) => snapshot.docs);
  const revokedAt = Timestamp.now();
  // Two writes per key: the key and its revocation feed entry, so API instances drop it too.
  for (let start = 0; start < keys.length; start += PAGE_SIZE / 2) {
    const batch = firestore.batch();
    for (const doc of keys.slice(start, start + PAGE_SIZE / 2)) {
      if (doc.get('is_active') !== true) continue;
      batch.update(doc.ref, { is_active: false, revoked_at: revokedAt });
      const revocation = keyRevocationWrite(doc.id, 'account_deleted');
      batch.set(revocation.ref, revocation.data);
    }
    await batch.commit();
  }
  return keys.length;
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

/**
 * The account's members, the account and the profile, the last page of members in the same
 * commit as the other two: a profile is never left without its account, which a request with
 * an old token would then create again, empty, beside the tombstone.
 */
async function deleteAccountAndProfile(accountId: string, userId: string): Promise<number> {
  const firestore = db();
  const members = accountRef(accountId).collection(MEMBERS);
  const pageSize = PAGE_SIZE - 2;
  let deleted = 0;
  for (;;) {
    const page = await members.select().limit(pageSize).get();
    const batch = firestore.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    deleted += page.size;
    if (page.size < pageSize) {
      batch.delete(accountRef(accountId));
      batch.delete(firestore.collection(USERS).doc(userId));
      await batch.commit();
      return deleted + 2;
    }
    await batch.commit();
  }
}

function stringField(snapshot: DocumentSnapshot | undefined, field: string): string | undefined {
  const value: unknown = snapshot?.get(field);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function isUserNotFound(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'code' in error && error.code === 'auth/user-not-found'
  );
}

/**
 * DELETE /me: deletes the user and their personal account. Closes the account's Stripe customer
 * (so nothing is charged again), revokes every key (so a failure half-way leaves no usable key),
 * then deletes keys, raw usage, aggregates, the credit ledger, the account's budgets, the
 * account with its members and the profile, then its alerts, their notifications, mails and
 * webhook deliveries and its alert settings (after the account, so a lease still running cannot
 * fire an alert that outlives it: leases fire alerts only for an account that exists), and last
 * the Auth user. Each step finds only what is left, so repeating the
 * request after a failure finishes the job. Usage still buffered on an API instance is discarded
 * by foldUsage once the keys are gone.
 */
export async function deleteAccount(_req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const accountId = user.uid;
  const firestore = db();
  await writeTombstone(user.uid);
  const [profile, account] = await firestore.getAll(
    firestore.collection(USERS).doc(user.uid),
    accountRef(accountId),
  );
  // Until the migration has run, the customer may still be remembered by the profile only.
  const customerId = stringField(account, 'stripe_customer_id') ?? stringField(profile, 'stripe_customer_id');
  await closeBillingAccount(accountId, customerId);
  const keys = await revokeAll(accountId);
  let documents = 0;
  for (const collection of [API_USAGE_EVENTS, API_USAGE_DAILY, API_USAGE_MONTHLY, API_KEYS, CREDIT_LEDGER]) {
    for (const count of await deleteWhereOwner(collection, accountId)) documents += count;
  }
  const budget = firestore.collection(ACCOUNT_BUDGETS).doc(accountId);
  documents += await deleteCollection(budget.collection(KEY_BUDGETS));
  documents += await deleteCollection(budget.collection(METER_BUDGETS));
  await budget.delete();
  documents += await deleteAccountAndProfile(accountId, user.uid);
  for (const collection of [ALERTS, NOTIFICATIONS, ALERT_EMAILS, WEBHOOK_DELIVERIES]) {
    for (const count of await deleteWhereOwner(collection, accountId)) documents += count;
  }
  await firestore.collection(ALERT_SETTINGS).doc(accountId).delete();
  try {
    await auth().deleteUser(user.uid);
  } catch (error) {
    if (!isUserNotFound(error)) throw error;
  }
  log.accountDeleted({ user_id: user.uid, account_id: accountId, keys, documents });
  res.status(204).end();
}
