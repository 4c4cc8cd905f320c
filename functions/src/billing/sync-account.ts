/**
 * Moves an account to what Stripe says it pays for: `users/{uid}`'s billing fields, the limits of
 * every one of its keys and the `stripe_events/{event_id}` marker, in one transaction.
 *
 * Out-of-order and concurrent deliveries: the subscriptions are read from Stripe inside the
 * transaction, after the account's document is read (and so locked). A transaction that commits
 * later therefore also read Stripe later, and the last write always reflects the newest state,
 * whatever order the events arrive in. The marker makes a redelivered event a no-op.
 */
import { FieldValue, Timestamp } from 'firebase-admin/firestore';
import type Stripe from 'stripe';
import { db } from '../lib/firebase.js';
import { API_KEYS, STRIPE_EVENTS, USERS } from '../lib/collections.js';
import { planLimits } from '../shared/plans.js';
import type { BillingState } from './billing-state.js';
import type { PriceIds } from './config.js';
import { UID_METADATA_KEY } from './customer.js';
import { readBillingState } from './read-billing-state.js';
import type { EventSubject } from './webhook-events.js';

/** Markers outlive Stripe's retries (3 days) by far; a TTL policy on `expire_at` removes them. */
const MARKER_TTL_DAYS = 90;
const DAY_MS = 86_400_000;

export type SyncOutcome =
  /** The account now matches Stripe. */
  | 'applied'
  /** This event was processed before. */
  | 'duplicate'
  /** No account for this customer (not Keymeter's, or the account was deleted). */
  | 'no_account'
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
  const uid = customer.metadata[UID_METADATA_KEY];
  return uid === undefined || uid === '' ? null : uid;
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
  const userId = await findAccountId(stripe, customerId, subject.uidHint);
  const firestore = db();
  const eventRef = firestore.collection(STRIPE_EVENTS).doc(event.id);
  const now = Date.now();
  const marker = (outcome: SyncOutcome) => ({
    type: event.type,
    customer_id: customerId,
    user_id: userId,
    outcome,
    event_created: Timestamp.fromMillis(event.created * 1000),
    processed_at: FieldValue.serverTimestamp(),
    expire_at: Timestamp.fromMillis(now + MARKER_TTL_DAYS * DAY_MS),
  });

  if (userId === null) {
    return firestore.runTransaction(async (tx) => {
      if ((await tx.get(eventRef)).exists) return { outcome: 'duplicate', userId };
      tx.create(eventRef, marker('no_account'));
      return { outcome: 'no_account', userId };
    });
  }

  const userRef = firestore.collection(USERS).doc(userId);
  const keysQuery = firestore.collection(API_KEYS).where('user_id', '==', userId);
  return firestore.runTransaction(async (tx): Promise<SyncResult> => {
    const [seen, user] = await tx.getAll(eventRef, userRef);
    if (seen?.exists === true) return { outcome: 'duplicate', userId };
    if (user?.exists !== true) {
      tx.create(eventRef, marker('no_account'));
      return { outcome: 'no_account', userId };
    }
    const remembered: unknown = user.get('stripe_customer_id');
    if (typeof remembered === 'string' && remembered !== '' && remembered !== customerId) {
      tx.create(eventRef, marker('other_customer'));
      return { outcome: 'other_customer', userId };
    }
    const keys = await tx.get(keysQuery);
    // Read after the locks above: see the file comment.
    const { state } = await readBillingState(stripe, customerId, prices);

    tx.update(userRef, userFields(state, customerId));
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
    tx.create(eventRef, marker('applied'));
    return { outcome: 'applied', userId, state, keysUpdated };
  });
}
