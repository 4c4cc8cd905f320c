/** `users/{uid}`: the account holder's profile, created from the ID token on first use. */
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import { z } from 'zod';
import type { AuthedUser } from '../http/auth.js';
import { db } from '../lib/firebase.js';
import { DELETED_USERS, USERS } from '../lib/collections.js';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';
import { subscriptionStatusSchema, type MeResponse } from '../shared/contracts.js';
import { planTierSchema } from '../shared/plans.js';

const timestamp = z.instanceof(Timestamp);

export const userDocSchema = z.object({
  email: z.string().nullable().default(null),
  display_name: z.string().nullable().default(null),
  photo_url: z.string().nullable().default(null),
  stripe_customer_id: z.string().optional(),
  plan_tier: planTierSchema.default('free'),
  subscription_status: subscriptionStatusSchema.nullable().optional(),
  current_period_end: timestamp.nullable().optional(),
  cancel_at_period_end: z.boolean().optional(),
  created_at: timestamp,
  updated_at: timestamp.optional(),
});
export type UserDoc = z.infer<typeof userDocSchema>;

/**
 * The profile, created from the token's claims when this is the account's first request. A
 * deleted account is not created again from a sign-in older than its deletion (a second tab's
 * token): only a new sign-in starts a new account.
 */
export async function ensureProfile(user: AuthedUser): Promise<UserDoc> {
  const firestore = db();
  const ref = firestore.collection(USERS).doc(user.uid);
  const existing = await ref.get();
  if (existing.exists) return userDocSchema.parse(existing.data());
  const tombstoneRef = firestore.collection(DELETED_USERS).doc(user.uid);
  const created = await firestore.runTransaction(async (tx) => {
    const [profile, tombstone] = await tx.getAll(ref, tombstoneRef);
    // Two first requests raced; the other one created it.
    if (profile?.exists === true) return false;
    const deletedAt: unknown = tombstone?.get('deleted_at');
    if (deletedAt instanceof Timestamp && user.authTime.getTime() <= deletedAt.toMillis())
      throw new ApiError('unauthenticated', 'This account was deleted. Sign in again to start a new one.');
    tx.create(ref, {
      email: user.email,
      display_name: user.name,
      photo_url: user.picture,
      plan_tier: 'free',
      created_at: FieldValue.serverTimestamp(),
      updated_at: FieldValue.serverTimestamp(),
    });
    if (tombstone?.exists === true) tx.delete(tombstoneRef);
    return true;
  });
  if (created) log.profileCreated({ user_id: user.uid });
  return userDocSchema.parse((await ref.get()).data());
}

export function toProfile(user: AuthedUser, doc: UserDoc): MeResponse['user'] {
  return {
    uid: user.uid,
    email: doc.email,
    display_name: doc.display_name,
    photo_url: doc.photo_url,
    plan_tier: doc.plan_tier,
    subscription_status: doc.subscription_status ?? null,
    current_period_end: doc.current_period_end?.toDate().toISOString() ?? null,
    cancel_at_period_end: doc.cancel_at_period_end ?? false,
    has_billing_account: doc.stripe_customer_id !== undefined,
    created_at: doc.created_at.toDate().toISOString(),
    is_admin: user.isAdmin,
  };
}
