/**
 * Moves an account to what Stripe says it pays for: `users/{uid}`'s billing fields, the limits of
 * every one of its keys and the `stripe_events/{event_id}` marker, in one transaction.
 *
 * Out-of-order and concurrent deliveries, without holding Firestore locks across a Stripe call:
 * the account's `billing_version` is read first, then Stripe, then a transaction writes the state
 * only if the version is still the one read (and moves it on). Every applied state was therefore
 * read from Stripe after the previous one was written; a sync that lost the race reads Stripe
 * again. So the last write reflects Stripe's newest state whatever order the events arrive in,
 * and the marker makes a redelivered event a no-op.
 */
import { FieldValue, Timestamp, type DocumentSnapshot } from 'firebase-admin/firestore';
import Stripe from 'stripe';
import { db } from '../lib/firebase.js';
import { API_KEYS, STRIPE_EVENTS, USERS } from '../lib/collections.js';
import { uidSchema } from '../shared/ids.js';
import { planLimits } from '../shared/plans.js';
import type { BillingState } from './billing-state.js';
import type { PriceIds } from './config.js';
import { UID_METADATA_KEY } from './customer.js';
import { readBillingState } from './read-billing-state.js';
import type { EventSubject } from './webhook-events.js';

/** Markers outlive Stripe's retries (3 days) by far; a TTL policy on `expire_at` removes them. */
const MARKER_TTL_DAYS = 90;
const DAY_MS = 86_400_000;
/** Syncs that keep losing the version race give up; the webhook answers 503 and Stripe retries. */
const MAX_SYNC_ATTEMPTS = 5;

export type SyncOutcome =
  /** The account now matches Stripe. */
  | 'applied'
  /** This event was processed before. */
  | 'duplicate'
  /** No account for this customer (not Keymeter's, or the account was deleted). */
  | 'no_account'
  /** Stripe does not know the customer (deleted, or an event about another Stripe account's). */
  | 'unknown_customer'
  /** The account's customer is another one: this customer's subscriptions do not decide its plan. */
  | 'other_customer';

export type SyncResult =
  | { outcome: 'applied'; userId: string; state: BillingState; keysUpdated: number }
  | { outcome: Exclude<SyncOutcome, 'applied'>; userId: string | null };

export interface StripeEventRef {
  id: string;
  type: string;
  created: number;
}

/** The account of a customer: the one that remembers it, else the one the objects name. */
async function findAccountId(
  stripe: Stripe,
  customerId: string,
  uidHint: string | null,
): Promise<string | null> {
  const remembered = await db()
    .collection(USERS)
    .where('stripe_customer_id', '==', customerId)
    .limit(1)
    .get();
  const found = remembered.docs[0];
  if (found !== undefined) return found.id;
  if (uidHint !== null) return uidHint;
  const customer = await stripe.customers.retrieve(customerId);
  if (customer.deleted === true) return null;
  return validUid(customer.metadata[UID_METADATA_KEY]);
}

/** A uid from Stripe's metadata names a document only if it could be a Firebase uid. */
function validUid(value: unknown): string | null {
  const uid = uidSchema.safeParse(value);
  return uid.success ? uid.data : null;
}

function isUnknownToStripe(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing';
}

function billingVersion(user: DocumentSnapshot | undefined): number {
  const version: unknown = user?.get('billing_version');
  return typeof version === 'number' ? version : 0;
}

function userFields(state: BillingState, customerId: string) {
  return {
    stripe_customer_id: customerId,
    plan_tier: state.plan_tier,
    subscription_status: state.subscription_status,
    stripe_subscription_id: state.stripe_subscription_id,
    current_period_end:
      state.current_period_end === null ? null : Timestamp.fromDate(state.current_period_end),
    cancel_at_period_end: state.cancel_at_period_end,
    updated_at: FieldValue.serverTimestamp(),
  };
}

export async function syncAccountFromStripe(
  stripe: Stripe,
  prices: PriceIds,
  event: StripeEventRef,
  subject: EventSubject & { customerId: string },
): Promise<SyncResult> {
  const { customerId } = subject;
  const firestore = db();
  const eventRef = firestore.collection(STRIPE_EVENTS).doc(event.id);
  const now = Date.now();
  const marker = (outcome: SyncOutcome, userId: string | null) => ({
    type: event.type,
    customer_id: customerId,
    user_id: userId,
    outcome,
    event_created: Timestamp.fromMillis(event.created * 1000),
    processed_at: FieldValue.serverTimestamp(),
    expire_at: Timestamp.fromMillis(now + MARKER_TTL_DAYS * DAY_MS),
  });
  /** Records an event that changes nothing, once. */
  const settle = (outcome: Exclude<SyncOutcome, 'applied' | 'duplicate'>, userId: string | null) =>
    firestore.runTransaction(async (tx): Promise<SyncResult> => {
      if ((await tx.get(eventRef)).exists) return { outcome: 'duplicate', userId };
      tx.create(eventRef, marker(outcome, userId));
      return { outcome, userId };
    });

  let userId: string | null;
  try {
    userId = await findAccountId(stripe, customerId, subject.uidHint);
  } catch (error) {
    if (isUnknownToStripe(error)) return settle('unknown_customer', null);
    throw error;
  }
  if (userId === null) return settle('no_account', null);

  const userRef = firestore.collection(USERS).doc(userId);
  const keysQuery = firestore.collection(API_KEYS).where('user_id', '==', userId);
  for (let attempt = 1; attempt <= MAX_SYNC_ATTEMPTS; attempt += 1) {
    const [seen, user] = await firestore.getAll(eventRef, userRef);
    if (seen?.exists === true) return { outcome: 'duplicate', userId };
    if (user?.exists !== true) return settle('no_account', userId);
    const remembered: unknown = user.get('stripe_customer_id');
    if (typeof remembered === 'string' && remembered !== '' && remembered !== customerId)
      return settle('other_customer', userId);
    const version = billingVersion(user);

    let state: BillingState;
    try {
      ({ state } = await readBillingState(stripe, customerId, prices));
    } catch (error) {
      if (isUnknownToStripe(error)) return settle('unknown_customer', userId);
      throw error;
    }

    const result = await firestore.runTransaction(async (tx): Promise<SyncResult | 'stale'> => {
      const [seenNow, userNow] = await tx.getAll(eventRef, userRef);
      if (seenNow?.exists === true) return { outcome: 'duplicate', userId };
      if (userNow?.exists !== true || billingVersion(userNow) !== version) return 'stale';
      const keys = await tx.get(keysQuery);
      tx.update(userRef, { ...userFields(state, customerId), billing_version: version + 1 });
      const limits = planLimits(state.plan_tier);
      let keysUpdated = 0;
      for (const key of keys.docs) {
        const current =
          key.get('tier') === state.plan_tier &&
          key.get('rate_limit_monthly') === limits.rate_limit_monthly &&
          key.get('rate_limit_per_minute') === limits.rate_limit_per_minute;
        if (current) continue;
        tx.update(key.ref, { tier: state.plan_tier, ...limits });
        keysUpdated += 1;
      }
      tx.create(eventRef, marker('applied', userId));
      return { outcome: 'applied', userId, state, keysUpdated };
    });
    if (result !== 'stale') return result;
  }
  throw new Error(`billing state of ${userId} changed during ${MAX_SYNC_ATTEMPTS} syncs in a row`);
}
