/**
 * `users/{uid}` (the profile) and the user's personal account, created together from the ID
 * token on the user's first request. A profile from before accounts existed (its plan and
 * Stripe fields on `users/{uid}`) gets its personal account here too, with those fields: the
 * same step the migration (scripts/migrate-accounts.ts) runs for every user.
 */
import { FieldValue, Timestamp, type DocumentData, type Transaction } from 'firebase-admin/firestore';
import { z } from 'zod';
import type { AuthedUser } from '../http/auth.js';
import { db } from '../lib/firebase.js';
import { DELETED_USERS, USERS } from '../lib/collections.js';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';
import type { MeResponse } from '../shared/contracts.js';
import { accountRef, memberRef, readAccountDoc, type AccountDoc } from './account-doc.js';

const timestamp = z.instanceof(Timestamp);

export const userDocSchema = z.object({
  email: z.string().nullable().default(null),
  display_name: z.string().nullable().default(null),
  photo_url: z.string().nullable().default(null),
  created_at: timestamp,
  updated_at: timestamp.optional(),
});
export type UserDoc = z.infer<typeof userDocSchema>;

/** Fields that lived on `users/{uid}` before accounts and belong to the personal account now. */
export const LEGACY_ACCOUNT_FIELDS = [
  'plan_tier',
  'stripe_customer_id',
  'subscription_status',
  'current_period_end',
  'cancel_at_period_end',
  'stripe_subscription_id',
  'billing_version',
] as const;

function personalAccountName(profile: { display_name?: unknown; email?: unknown }): string {
  const name = typeof profile.display_name === 'string' ? profile.display_name : undefined;
  const email = typeof profile.email === 'string' ? profile.email : undefined;
  return name ?? email ?? 'Personal';
}

/**
 * Writes the personal account of `uid` and its owner membership, carrying over the legacy
 * fields of `profile` (the user document's data). The caller has read that one is missing.
 */
export function createPersonalAccount(
  tx: Transaction,
  uid: string,
  profile: DocumentData,
  missing: { account: boolean; member: boolean } = { account: true, member: true },
): void {
  const carried = Object.fromEntries(
    LEGACY_ACCOUNT_FIELDS.filter((field) => profile[field] !== undefined).map((field) => [
      field,
      profile[field],
    ]),
  );
  if (missing.account)
    tx.create(accountRef(uid), {
      kind: 'personal',
      name: personalAccountName(profile),
      plan_tier: 'free',
      ...carried,
      owner_uid: uid,
      created_at: profile.created_at instanceof Timestamp ? profile.created_at : FieldValue.serverTimestamp(),
    });
  // `uid` as a field too, so that GET /accounts finds a user's memberships with one collection-group query.
  if (missing.member)
    tx.create(memberRef(uid, uid), {
      uid,
      role: 'owner',
      joined_at: FieldValue.serverTimestamp(),
      invited_by: null,
    });
}

export interface Profile {
  user: UserDoc;
  account: AccountDoc;
}

/**
 * The profile and personal account, created when this is the user's first request. A deleted
 * account is not created again from a sign-in older than its deletion (a second tab's token):
 * only a new sign-in starts a new account.
 */
export async function ensureProfile(user: AuthedUser): Promise<Profile> {
  const firestore = db();
  const userRef = firestore.collection(USERS).doc(user.uid);
  const [existingUser, existingAccount, existingMember] = await firestore.getAll(
    userRef,
    accountRef(user.uid),
    memberRef(user.uid, user.uid),
  );
  if (existingUser?.exists === true && existingAccount?.exists === true && existingMember?.exists === true)
    return {
      user: userDocSchema.parse(existingUser.data()),
      account: readAccountDoc(existingAccount.data()),
    };
  const tombstoneRef = firestore.collection(DELETED_USERS).doc(user.uid);
  const created = await firestore.runTransaction(async (tx) => {
    const [profile, account, member, tombstone] = await tx.getAll(
      userRef,
      accountRef(user.uid),
      memberRef(user.uid, user.uid),
      tombstoneRef,
    );
    // Two first requests raced; the other one created them.
    if (profile?.exists === true && account?.exists === true && member?.exists === true) return false;
    if (profile?.exists !== true) {
      const deletedAt: unknown = tombstone?.get('deleted_at');
      if (deletedAt instanceof Timestamp && user.authTime.getTime() <= deletedAt.toMillis())
        throw new ApiError('unauthenticated', 'This account was deleted. Sign in again to start a new one.');
    }
    const data = profile?.data() ?? {
      email: user.email,
      display_name: user.name,
      photo_url: user.picture,
    };
    if (profile?.exists !== true)
      tx.create(userRef, {
        ...data,
        created_at: FieldValue.serverTimestamp(),
        updated_at: FieldValue.serverTimestamp(),
      });
    createPersonalAccount(tx, user.uid, data, {
      account: account?.exists !== true,
      member: member?.exists !== true,
    });
    if (tombstone?.exists === true) tx.delete(tombstoneRef);
    return profile?.exists !== true;
  });
  if (created) log.profileCreated({ user_id: user.uid });
  const [userSnap, accountSnap] = await firestore.getAll(userRef, accountRef(user.uid));
  return { user: userDocSchema.parse(userSnap?.data()), account: readAccountDoc(accountSnap?.data()) };
}

export function toProfile(user: AuthedUser, doc: UserDoc): MeResponse['user'] {
  return {
    uid: user.uid,
    email: doc.email,
    display_name: doc.display_name,
    photo_url: doc.photo_url,
    created_at: doc.created_at.toDate().toISOString(),
    is_admin: user.isAdmin,
  };
}
