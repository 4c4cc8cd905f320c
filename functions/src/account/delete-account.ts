import {
  FieldValue,
  Timestamp,
  type CollectionReference,
  type DocumentReference,
  type DocumentSnapshot,
  type QuerySnapshot,
} from 'firebase-admin/firestore';
import type { Request, Response } from 'express';
import { accountRef, readAccountDoc } from '../accounts/account-doc.js';
import { recordAudit, requestSource } from '../accounts/audit-log.js';
import { ApiError } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { closeBillingAccount } from '../billing/close-billing-account.js';
import { keyRevocationWrite } from '../keys/revocation-feed.js';
import { auth, db } from '../lib/firebase.js';
import {
  ACCOUNT_BUDGETS,
  ACCOUNTS,
  ALERT_EMAILS,
  ALERT_SETTINGS,
  ALERTS,
  API_KEYS,
  API_USAGE_DAILY,
  API_USAGE_EVENTS,
  API_USAGE_MONTHLY,
  AUDIT_LOG,
  CREDIT_LEDGER,
  DELETED_USERS,
  INVITATIONS,
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
 * The account's members and the account, the last page of members in the same commit as the
 * account and `alsoDelete` (a personal account's profile, a team's slug): a profile is never left
 * without its account, which a request with an old token would then create again, empty,
 * beside the tombstone.
 */
async function deleteMembersAndAccount(
  accountId: string,
  alsoDelete: readonly DocumentReference[],
): Promise<number> {
  const firestore = db();
  const members = accountRef(accountId).collection(MEMBERS);
  const pageSize = PAGE_SIZE - 1 - alsoDelete.length;
  let deleted = 0;
  for (;;) {
    const page = await members.select().limit(pageSize).get();
    const batch = firestore.batch();
    for (const doc of page.docs) batch.delete(doc.ref);
    deleted += page.size;
    if (page.size < pageSize) {
      batch.delete(accountRef(accountId));
      for (const ref of alsoDelete) batch.delete(ref);
      await batch.commit();
      return deleted + 1 + alsoDelete.length;
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
 * Erases an account: closes its Stripe customer (so nothing is charged again), revokes every key
 * (so a failure half-way leaves no usable key), then deletes keys, raw usage, aggregates, the
 * credit ledger, invitations, the audit log, the account's budgets, the account with its members
 * and `alsoDelete`, then its alerts, their notifications, mails and webhook deliveries and its
 * alert settings (after the account, so a lease still running cannot fire an alert that outlives
 * it: leases fire alerts only for an account that exists). Each step finds only what is left, so
 * repeating it after a failure finishes the job. Usage still buffered on an API instance is
 * discarded by foldUsage once the keys are gone.
 */
export async function eraseAccount(
  accountId: string,
  customerId: string | undefined,
  alsoDelete: readonly DocumentReference[],
): Promise<{ keys: number; documents: number }> {
  const firestore = db();
  await closeBillingAccount(accountId, customerId);
  const keys = await revokeAll(accountId);
  let documents = 0;
  for (const collection of [
    API_USAGE_EVENTS,
    API_USAGE_DAILY,
    API_USAGE_MONTHLY,
    API_KEYS,
    CREDIT_LEDGER,
    INVITATIONS,
    AUDIT_LOG,
  ]) {
    for (const count of await deleteWhereOwner(collection, accountId)) documents += count;
  }
  const budget = firestore.collection(ACCOUNT_BUDGETS).doc(accountId);
  documents += await deleteCollection(budget.collection(KEY_BUDGETS));
  documents += await deleteCollection(budget.collection(METER_BUDGETS));
  await budget.delete();
  documents += await deleteMembersAndAccount(accountId, alsoDelete);
  for (const collection of [ALERTS, NOTIFICATIONS, ALERT_EMAILS, WEBHOOK_DELIVERIES]) {
    for (const count of await deleteWhereOwner(collection, accountId)) documents += count;
  }
  await firestore.collection(ALERT_SETTINGS).doc(accountId).delete();
  return { keys, documents };
}

/**
 * The teams the user belongs to besides their personal account: refuses while they own one (a
 * team always has an owner), and otherwise leaves each, as DELETE /members/{self} would.
 */
async function leaveTeams(req: Request, res: Response, uid: string): Promise<void> {
  const memberships = await db().collectionGroup(MEMBERS).where('uid', '==', uid).get();
  const teams = memberships.docs.filter(
    (doc) => doc.ref.parent.parent?.parent.id === ACCOUNTS && doc.ref.parent.parent.id !== uid,
  );
  const owned = teams.filter((doc) => doc.get('role') === 'owner');
  if (owned.length > 0)
    throw new ApiError(
      'conflict',
      `You own ${owned.length === 1 ? 'a team' : `${owned.length} teams`}: transfer ownership or delete ${owned.length === 1 ? 'it' : 'them'} first.`,
    );
  const source = requestSource(req, res);
  for (const membership of teams) {
    const team = membership.ref.parent.parent;
    if (team === null) continue;
    await db().runTransaction(async (tx) => {
      const [member, account] = await tx.getAll(membership.ref, team);
      if (member?.exists !== true || account?.exists !== true) return;
      tx.delete(membership.ref);
      tx.update(team, { member_count: FieldValue.increment(-1) });
      recordAudit(tx, { id: team.id, plan_tier: readAccountDoc(account.data()).plan_tier }, source, {
        action: 'member.left',
        target: { type: 'member', id: uid },
        details: { role: String(member.get('role')), reason: 'account_deleted' },
      });
    });
  }
}

/**
 * DELETE /me: deletes the user and their personal account (eraseAccount), after leaving the teams
 * they belong to (refused while they own one), then the profile with the account and last the
 * Auth user. Repeating the request after a failure finishes the job.
 */
export async function deleteAccount(req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const accountId = user.uid;
  const firestore = db();
  await leaveTeams(req, res, user.uid);
  await writeTombstone(user.uid);
  const profileRef = firestore.collection(USERS).doc(user.uid);
  const [profile, account] = await firestore.getAll(profileRef, accountRef(accountId));
  // Until the migration has run, the customer may still be remembered by the profile only.
  const customerId = stringField(account, 'stripe_customer_id') ?? stringField(profile, 'stripe_customer_id');
  const { keys, documents } = await eraseAccount(accountId, customerId, [profileRef]);
  try {
    await auth().deleteUser(user.uid);
  } catch (error) {
    if (!isUserNotFound(error)) throw error;
  }
  log.accountDeleted({ user_id: user.uid, account_id: accountId, keys, documents });
  res.status(204).end();
}
