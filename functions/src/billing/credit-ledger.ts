/**
 * `credit_ledger/{entry_id}`: the record of an account's prepaid credits, in units, beside the
 * balance on `accounts/{id}` (`credits_granted - credits_used`). Three kinds of entry:
 * - `grant_{checkout_session_id}`: a credit pack paid through Checkout. The id makes a grant
 *   exactly-once: the webhook creates it in the same transaction that adds the units to
 *   `credits_granted`, and a redelivered or reordered event finds it there.
 * - `usage_{account_id}_{date}`: the credits a day's calls used, added to by every fold (in the
 *   fold's transaction, with `credits_used`), so it is a daily debit whatever the number of batches.
 * - `adjustment_{id}`: an operator's correction, positive or negative.
 * Enforcement (budget-ledger.ts) never leases more credits than were granted, so the balance
 * never goes below zero.
 */
import {
  FieldValue,
  Timestamp,
  type DocumentData,
  type DocumentReference,
  type Transaction,
} from 'firebase-admin/firestore';
import { z } from 'zod';
import { accountRef } from '../accounts/account-doc.js';
import { recordAudit, type AuditSource } from '../accounts/audit-log.js';
import { planTierSchema } from '../shared/plans.js';
import { db } from '../lib/firebase.js';
import { CREDIT_LEDGER } from '../lib/collections.js';
import { isoDateSchema } from '../shared/dates.js';

const timestamp = z.instanceof(Timestamp);

export const creditEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('grant'),
    account_id: z.string(),
    units: z.number().int().positive(),
    amount_cents: z.number().int().nonnegative(),
    checkout_session: z.string(),
    price: z.string(),
    at: timestamp,
  }),
  z.object({
    kind: z.literal('usage'),
    account_id: z.string(),
    date: isoDateSchema,
    units: z.number().int().nonnegative(),
    at: timestamp,
  }),
  z.object({
    kind: z.literal('adjustment'),
    account_id: z.string(),
    units: z.number().int(),
    reason: z.string(),
    at: timestamp,
  }),
]);
export type CreditEntry = z.infer<typeof creditEntrySchema>;

export function creditUsageRef(accountId: string, date: string): DocumentReference {
  return db().collection(CREDIT_LEDGER).doc(`usage_${accountId}_${date}`);
}

/** A fold's share of its day's debit, for a `set(…, { merge: true })`. */
export function creditUsageIncrement(batch: {
  account_id: string;
  date: string;
  credit_units: number;
}): DocumentData {
  return {
    kind: 'usage',
    account_id: batch.account_id,
    date: batch.date,
    units: FieldValue.increment(batch.credit_units),
    at: FieldValue.serverTimestamp(),
  };
}

export function creditGrantRef(checkoutSessionId: string): DocumentReference {
  return db().collection(CREDIT_LEDGER).doc(`grant_${checkoutSessionId}`);
}

export interface CreditGrant {
  accountId: string;
  checkoutSessionId: string;
  units: number;
  amountCents: number;
  price: string;
}

/**
 * Grants a paid pack's credits once: reads the grant's entry in `tx`, and writes it with the
 * account's `credits_granted` only if it is not there yet. Returns whether it granted.
 */
export async function grantCredits(tx: Transaction, grant: CreditGrant): Promise<boolean> {
  const entryRef = creditGrantRef(grant.checkoutSessionId);
  const [entry, account] = await tx.getAll(entryRef, accountRef(grant.accountId));
  if (entry?.exists === true || account?.exists !== true) return false;
  tx.create(entryRef, {
    kind: 'grant',
    account_id: grant.accountId,
    units: grant.units,
    amount_cents: grant.amountCents,
    checkout_session: grant.checkoutSessionId,
    price: grant.price,
    at: FieldValue.serverTimestamp(),
  });
  tx.update(accountRef(grant.accountId), { credits_granted: FieldValue.increment(grant.units) });
  return true;
}

export function creditAdjustmentRef(id: string): DocumentReference {
  return db().collection(CREDIT_LEDGER).doc(`adjustment_${id}`);
}

export interface CreditAdjustment {
  accountId: string;
  id: string;
  units: number;
  reason: string;
  /** The operator's request. */
  source: AuditSource;
}

export type AdjustmentOutcome =
  | { kind: 'applied' | 'exists'; entry: CreditEntry & { id: string }; balance: number }
  | { kind: 'no_account' | 'id_taken' }
  | { kind: 'below_zero'; balance: number };

/**
 * Applies an operator's correction once (its id names the entry), in one transaction with the
 * account's `credits_granted`. A negative one may take the balance to zero and no further:
 * credits already used are not taken back. Units that instances hold leased already
 * (budget-ledger.ts) stay spendable, so after a negative adjustment `credits_used` can pass
 * `credits_granted` by at most those; the balance then reads zero and nothing more is leased.
 */
export async function adjustCredits(
  tx: Transaction,
  adjustment: CreditAdjustment,
): Promise<AdjustmentOutcome> {
  const entryRef = creditAdjustmentRef(adjustment.id);
  const [entry, account] = await tx.getAll(entryRef, accountRef(adjustment.accountId));
  if (account?.exists !== true) return { kind: 'no_account' };
  const balance = Math.max(
    0,
    Number(account.get('credits_granted') ?? 0) - Number(account.get('credits_used') ?? 0),
  );
  if (entry?.exists === true) {
    const existing = creditEntrySchema.parse(entry.data());
    const same =
      existing.kind === 'adjustment' &&
      existing.account_id === adjustment.accountId &&
      existing.units === adjustment.units &&
      existing.reason === adjustment.reason;
    return same ? { kind: 'exists', entry: { ...existing, id: entryRef.id }, balance } : { kind: 'id_taken' };
  }
  if (balance + adjustment.units < 0) return { kind: 'below_zero', balance };
  const created: CreditEntry = {
    kind: 'adjustment',
    account_id: adjustment.accountId,
    units: adjustment.units,
    reason: adjustment.reason,
    at: Timestamp.now(),
  };
  tx.create(entryRef, created);
  tx.update(accountRef(adjustment.accountId), { credits_granted: FieldValue.increment(adjustment.units) });
  recordAudit(
    tx,
    {
      id: adjustment.accountId,
      plan_tier: planTierSchema.catch('free').parse(account.get('plan_tier') ?? 'free'),
    },
    { ...adjustment.source, actorId: `operator:${adjustment.source.actorId}` },
    {
      action: 'billing.credits_adjusted',
      target: { type: 'credits', id: entryRef.id },
      details: { units: adjustment.units, reason: adjustment.reason },
    },
  );
  return { kind: 'applied', entry: { ...created, id: entryRef.id }, balance: balance + adjustment.units };
}

/** An account's most recent ledger entries, newest first. */
export async function recentCreditEntries(
  accountId: string,
  limit: number,
): Promise<(CreditEntry & { id: string })[]> {
  const snapshot = await db()
    .collection(CREDIT_LEDGER)
    .where('account_id', '==', accountId)
    .orderBy('at', 'desc')
    .limit(limit)
    .get();
  return snapshot.docs.flatMap((doc) => {
    const parsed = creditEntrySchema.safeParse(doc.data());
    return parsed.success ? [{ ...parsed.data, id: doc.id }] : [];
  });
}
