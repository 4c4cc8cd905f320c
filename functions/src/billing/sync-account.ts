/**
 * Moves an account to what Stripe says it pays for: `accounts/{account_id}`'s billing fields and
 * the `stripe_events/{event_id}` marker, in one transaction. Keys carry no limits: the API reads
 * the account's plan each time it leases budget (keys/budget-ledger.ts), so the plan is the one
 * thing to move.
 *
 * Out-of-order and concurrent deliveries, without holding Firestore locks across a Stripe call:
 * the account's `billing_version` is read first, then Stripe, then a transaction writes the state
 * only if the version is still the one read (and moves it on). Every applied state was therefore
 * read from Stripe after the previous one was written; a sync that lost the race reads Stripe
 * again. So the last write reflects Stripe's newest state whatever order the events arrive in,
 * and the marker makes a redelivered event a no-op.
 */
import { FieldValue, Timestamp, type DocumentSnapshot, type Transaction } from 'firebase-admin/firestore';
import Stripe from 'stripe';
import { accountRef, memberRef } from '../accounts/account-doc.js';
import { recordAudit, STRIPE_SOURCE, type AuditSource } from '../accounts/audit-log.js';
import { createPersonalAccount } from '../accounts/profile.js';
import { planTierSchema } from '../shared/plans.js';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, STRIPE_EVENTS, USERS } from '../lib/collections.js';
import type { BillingState } from './billing-state.js';
import type { PriceIds } from './config.js';
import { readBillingState } from './read-billing-state.js';
import { accountIdIn, type EventSubject } from './webhook-events.js';

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
  | { outcome: 'applied'; accountId: string; state: BillingState }
  | { outcome: Exclude<SyncOutcome, 'applied'>; accountId: string | null };

export interface StripeEventRef {
  id: string;
  type: string;
  created: number;
}

/** The id of the first document of `collection` that remembers the customer. */
async function remembering(collection: string, customerId: string): Promise<string | undefined> {
  const found = await db()
    .collection(collection)
    .where('stripe_customer_id', '==', customerId)
    .limit(1)
    .get();
  return found.docs[0]?.id;
}

/**
 * The account of a customer: the one that remembers it, else the one the objects name. Until
 * the migration has run, a customer may still be remembered by its user's legacy profile
 * instead: that user's personal account, whose id is the uid.
 */
export async function findAccountId(
  stripe: Stripe,
  customerId: string,
  accountHint: string | null,
): Promise<string | null> {
  const found = (await remembering(ACCOUNTS, customerId)) ?? (await remembering(USERS, customerId));
  if (found !== undefined) return found;
  if (accountHint !== null) return accountHint;
  const customer = await stripe.customers.retrieve(customerId);
  if (customer.deleted === true) return null;
  return accountIdIn(customer.metadata);
}

/**
 * A user who has not signed in since accounts arrived, and whom the migration has not reached
 * yet, has a legacy profile and no account: its personal account is made now, as the user's
 * next request would make it, so that the event is not lost. False: no such user either.
 */
async function adoptLegacyProfile(accountId: string): Promise<boolean> {
  const firestore = db();
  const userRef = firestore.collection(USERS).doc(accountId);
  return firestore.runTransaction(async (tx) => {
    const [user, account, member] = await tx.getAll(
      userRef,
      accountRef(accountId),
      memberRef(accountId, accountId),
    );
    if (account?.exists === true) return true;
    if (user?.exists !== true) return false;
    createPersonalAccount(tx, accountId, user.data() ?? {}, {
      account: true,
      member: member?.exists !== true,
    });
    return true;
  });
}

function isUnknownToStripe(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError && error.code === 'resource_missing';
}

function billingVersion(account: DocumentSnapshot | undefined): number {
  const version: unknown = account?.get('billing_version');
  return typeof version === 'number' ? version : 0;
}

function accountFields(state: BillingState, customerId: string) {
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

/**
 * The audit entries of a billing state change, in the transaction that writes it: a plan moved,
 * or a subscription set to end or to renew again. Whichever of the dashboard's sync and the
 * webhook's lands first records it; the other finds nothing changed.
 */
function auditBillingChange(
  tx: Transaction,
  accountId: string,
  before: DocumentSnapshot,
  state: BillingState,
  source: AuditSource,
): void {
  const from = planTierSchema.catch('free').parse(before.get('plan_tier') ?? 'free');
  const account = { id: accountId, plan_tier: state.plan_tier };
  const target = { type: 'subscription' as const, id: state.stripe_subscription_id ?? accountId };
  if (from !== state.plan_tier)
    recordAudit(tx, account, source, {
      action: 'billing.plan_changed',
      target,
      details: { from, to: state.plan_tier, status: state.subscription_status },
    });
  const wasEnding = before.get('cancel_at_period_end') === true;
  if (state.plan_tier !== 'free' && wasEnding !== state.cancel_at_period_end)
    recordAudit(tx, account, source, {
      action: state.cancel_at_period_end ? 'billing.cancel_requested' : 'billing.resumed',
      target,
      details: {
        period_end: state.current_period_end === null ? null : state.current_period_end.toISOString(),
      },
    });
}

/** The `stripe_events/{event_id}` marker of an event, whatever it changed. */
export function eventMarker(
  event: StripeEventRef,
  customerId: string,
  accountId: string | null,
  outcome: string,
): Record<string, unknown> {
  return {
    type: event.type,
    customer_id: customerId,
    account_id: accountId,
    outcome,
    event_created: Timestamp.fromMillis(event.created * 1000),
    processed_at: FieldValue.serverTimestamp(),
    expire_at: Timestamp.fromMillis(Date.now() + MARKER_TTL_DAYS * DAY_MS),
  };
}

export function eventMarkerRef(eventId: string) {
  return db().collection(STRIPE_EVENTS).doc(eventId);
}

/**
 * Moves the account to its customer's billing state as Stripe has it now, outside any event
 * (after the dashboard changed the subscription): the same version-guarded write as a webhook
 * sync, without an event marker. The webhook that follows finds the account up to date.
 */
export async function syncAccountState(
  stripe: Stripe,
  prices: PriceIds,
  accountId: string,
  customerId: string,
  source: AuditSource,
): Promise<BillingState> {
  const firestore = db();
  const ref = accountRef(accountId);
  for (let attempt = 1; attempt <= MAX_SYNC_ATTEMPTS; attempt += 1) {
    const version = billingVersion(await ref.get());
    const { state } = await readBillingState(stripe, customerId, prices);
    const written = await firestore.runTransaction(async (tx) => {
      const account = await tx.get(ref);
      if (!account.exists || billingVersion(account) !== version) return false;
      tx.update(ref, { ...accountFields(state, customerId), billing_version: version + 1 });
      auditBillingChange(tx, accountId, account, state, source);
      return true;
    });
    if (written) return state;
  }
  throw new Error(`billing state of account ${accountId} changed during ${MAX_SYNC_ATTEMPTS} syncs in a row`);
}

export async function syncAccountFromStripe(
  stripe: Stripe,
  prices: PriceIds,
  event: StripeEventRef,
  subject: EventSubject & { customerId: string },
): Promise<SyncResult> {
  const { customerId } = subject;
  const firestore = db();
  const eventRef = eventMarkerRef(event.id);
  const marker = (outcome: SyncOutcome, accountId: string | null) =>
    eventMarker(event, customerId, accountId, outcome);
  /** Records an event that changes nothing, once. */
  const settle = (outcome: Exclude<SyncOutcome, 'applied' | 'duplicate'>, accountId: string | null) =>
    firestore.runTransaction(async (tx): Promise<SyncResult> => {
      if ((await tx.get(eventRef)).exists) return { outcome: 'duplicate', accountId };
      tx.create(eventRef, marker(outcome, accountId));
      return { outcome, accountId };
    });

  let accountId: string | null;
  try {
    accountId = await findAccountId(stripe, customerId, subject.accountHint);
  } catch (error) {
    if (isUnknownToStripe(error)) return settle('unknown_customer', null);
    throw error;
  }
  if (accountId === null) return settle('no_account', null);

  const ref = accountRef(accountId);
  for (let attempt = 1; attempt <= MAX_SYNC_ATTEMPTS; attempt += 1) {
    const [seen, account] = await firestore.getAll(eventRef, ref);
    if (seen?.exists === true) return { outcome: 'duplicate', accountId };
    if (account?.exists !== true) {
      if (await adoptLegacyProfile(accountId)) continue;
      return settle('no_account', accountId);
    }
    const remembered: unknown = account.get('stripe_customer_id');
    if (typeof remembered === 'string' && remembered !== '' && remembered !== customerId)
      return settle('other_customer', accountId);
    const version = billingVersion(account);

    let state: BillingState;
    try {
      ({ state } = await readBillingState(stripe, customerId, prices));
    } catch (error) {
      if (isUnknownToStripe(error)) return settle('unknown_customer', accountId);
      throw error;
    }

    const result = await firestore.runTransaction(async (tx): Promise<SyncResult | 'stale'> => {
      const [seenNow, accountNow] = await tx.getAll(eventRef, ref);
      if (seenNow?.exists === true) return { outcome: 'duplicate', accountId };
      if (accountNow?.exists !== true || billingVersion(accountNow) !== version) return 'stale';
      tx.update(ref, { ...accountFields(state, customerId), billing_version: version + 1 });
      auditBillingChange(tx, accountId, accountNow, state, STRIPE_SOURCE);
      tx.create(eventRef, marker('applied', accountId));
      return { outcome: 'applied', accountId, state };
    });
    if (result !== 'stale') return result;
  }
  throw new Error(`billing state of account ${accountId} changed during ${MAX_SYNC_ATTEMPTS} syncs in a row`);
}
