/**
 * Each account has one Stripe customer, created on its first checkout and remembered on
 * `accounts/{account_id}.stripe_customer_id`.
 *
 * Two first clicks at once must still make one customer. Both requests create the customer with
 * the same idempotency key (derived from the account id and the parameters), so Stripe answers
 * both with the same customer; a Firestore transaction then stores the id only if none is stored
 * yet. If the two requests differ (the name changed in between, or the key's 24 hours are over),
 * the transaction keeps the first stored customer and the other one, still without
 * subscriptions, is deleted.
 */
import { createHash } from 'node:crypto';
import { FieldValue } from 'firebase-admin/firestore';
import type Stripe from 'stripe';
import { accountRef } from '../accounts/account-doc.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';

/** `metadata.account_id` on customers, sessions and subscriptions: how a Stripe object names its account. */
export const ACCOUNT_METADATA_KEY = 'account_id';
/**
 * What objects made before accounts carry instead (`firebase_uid` on customers and subscriptions).
 * A uid names the user's personal account, whose id is that uid.
 */
export const LEGACY_ACCOUNT_METADATA_KEYS = ['user_id', 'firebase_uid'] as const;

export interface CustomerOwner {
  accountId: string;
  email: string | null;
  name: string | null;
}

export function customerParams(owner: CustomerOwner): Stripe.CustomerCreateParams {
  return {
    ...(owner.email === null ? {} : { email: owner.email }),
    ...(owner.name === null ? {} : { name: owner.name }),
    metadata: { [ACCOUNT_METADATA_KEY]: owner.accountId },
  };
}

/** Same account and same parameters, same key: Stripe replays the first creation. */
export function customerIdempotencyKey(owner: CustomerOwner): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([owner.email, owner.name]))
    .digest('hex');
  return `keymeter-customer-${owner.accountId}-${digest.slice(0, 16)}`;
}

/**
 * The account's Stripe customer id, creating the customer if the account has none.
 * `known` is the id already read from the account, if any (saves a round trip).
 */
export async function ensureStripeCustomer(
  stripe: Stripe,
  owner: CustomerOwner,
  known: string | undefined,
): Promise<{ customerId: string; isNew: boolean }> {
  if (known !== undefined) return { customerId: known, isNew: false };
  const customer = await stripe.customers.create(customerParams(owner), {
    idempotencyKey: customerIdempotencyKey(owner),
  });
  const ref = accountRef(owner.accountId);
  const { kept, stored } = await db().runTransaction(async (tx) => {
    const snapshot = await tx.get(ref);
    const remembered: unknown = snapshot.get('stripe_customer_id');
    if (typeof remembered === 'string' && remembered !== '') return { kept: remembered, stored: false };
    tx.update(ref, { stripe_customer_id: customer.id, updated_at: FieldValue.serverTimestamp() });
    return { kept: customer.id, stored: true };
  });
  if (stored) log.stripeCustomerCreated({ account_id: owner.accountId, customer_id: customer.id });
  // Stored now, or by a concurrent request that Stripe answered with this same customer.
  if (kept === customer.id) return { customerId: kept, isNew: true };
  log.stripeCustomerDiscarded({
    account_id: owner.accountId,
    customer_id: customer.id,
    kept_customer_id: kept,
  });
  try {
    await stripe.customers.del(customer.id);
  } catch (error) {
    // An extra customer without subscriptions costs nothing; the checkout goes on.
    log.taskFailed({ task: 'delete_extra_stripe_customer' }, error);
  }
  return { customerId: kept, isNew: false };
}
