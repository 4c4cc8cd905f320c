/**
 * `accounts/{account_id}`: the unit that owns keys, plan, Stripe customer, limits and usage,
 * and `accounts/{account_id}/members/{uid}`. A user's personal account has the user's uid as
 * its id (so a personal account is found without a query); team accounts get random ids.
 */
import { Timestamp, type DocumentReference } from 'firebase-admin/firestore';
import { z } from 'zod';
import { db } from '../lib/firebase.js';
import { ACCOUNTS, MEMBERS } from '../lib/collections.js';
import { subscriptionStatusSchema, type AccountSummary } from '../shared/contracts.js';
import {
  accountLimits,
  meterLimit,
  meterNameSchema,
  overageModeSchema,
  overageUnitsFor,
  PLANS,
  planTierSchema,
  type AccountLimits,
  type Allowance,
  type MeterLimit,
  type MeterName,
} from '../shared/plans.js';
import { accountKindSchema, roleSchema, type Role } from '../shared/roles.js';

const timestamp = z.instanceof(Timestamp);

export const accountDocSchema = z.object({
  kind: accountKindSchema,
  name: z.string(),
  slug: z.string().optional(),
  plan_tier: planTierSchema.default('free'),
  stripe_customer_id: z.string().optional(),
  subscription_status: subscriptionStatusSchema.nullable().optional(),
  current_period_end: timestamp.nullable().optional(),
  cancel_at_period_end: z.boolean().optional(),
  /** Set by an operator for a negotiated contract (or a benchmark); the plan's otherwise. */
  limit_overrides: z
    .object({
      monthly: z.number().int().positive(),
      per_minute: z.number().int().positive(),
      meters: z.partialRecord(
        meterNameSchema,
        z.object({
          monthly: z.number().int().positive().optional(),
          per_minute: z.number().int().positive().nullable().optional(),
        }),
      ),
    })
    .partial()
    .optional(),
  /** Prepaid credits, in units: ever granted (grants and adjustments) and used (folded usage). */
  credits_granted: z.number().int().nonnegative().default(0),
  credits_used: z.number().int().nonnegative().default(0),
  /** Calls beyond the included units: stop (429), or overage billed through Stripe, up to a cap. */
  billing_settings: z
    .object({
      overage: overageModeSchema.default('stop'),
      spend_cap_cents: z.number().int().positive().nullable().default(null),
    })
    .default({ overage: 'stop', spend_cap_cents: null }),
  /** The uid of the user whose personal account this is. */
  owner_uid: z.string().optional(),
  /** Members, counted in the transactions that add and remove them: the seats in use. */
  member_count: z.number().int().positive().default(1),
  created_at: timestamp,
  updated_at: timestamp.optional(),
});
export type AccountDoc = z.infer<typeof accountDocSchema>;

export const memberDocSchema = z.object({
  role: roleSchema,
  joined_at: timestamp,
  invited_by: z.string().nullable().default(null),
});
export type MemberDoc = z.infer<typeof memberDocSchema>;

export function accountRef(accountId: string): DocumentReference {
  return db().collection(ACCOUNTS).doc(accountId);
}

export function memberRef(accountId: string, uid: string): DocumentReference {
  return accountRef(accountId).collection(MEMBERS).doc(uid);
}

/** Members the account may have: its plan's seats for a team, one for a personal account. */
export function seatLimitOf(doc: AccountDoc): number {
  return doc.kind === 'team' ? PLANS[doc.plan_tier].seats : 1;
}

export function readAccountDoc(data: unknown): AccountDoc {
  return accountDocSchema.parse(data);
}

export function limitsOf(doc: AccountDoc): AccountLimits {
  return accountLimits(doc.plan_tier, doc.limit_overrides);
}

export function meterLimitOf(doc: AccountDoc, meter: MeterName): MeterLimit | null {
  return meterLimit(doc.plan_tier, meter, doc.limit_overrides?.meters);
}

/**
 * Everything a lease needs to know of the account. Overage needs a plan with an overage price
 * and a live subscription to bill it on; a cancelled or unpaid one stops at the quota.
 */
export function allowanceOf(doc: AccountDoc): Allowance {
  const subscribed = doc.subscription_status === 'active' || doc.subscription_status === 'trialing';
  const allowed =
    doc.billing_settings.overage === 'allow' &&
    PLANS[doc.plan_tier].overage_cents_per_1000 !== null &&
    subscribed;
  const cap = doc.billing_settings.spend_cap_cents;
  return {
    limits: limitsOf(doc),
    creditsGranted: doc.credits_granted,
    overage: { allowed, capUnits: cap === null ? null : overageUnitsFor(doc.plan_tier, cap) },
  };
}

export function toAccountSummary(id: string, doc: AccountDoc, role: Role): AccountSummary {
  return {
    id,
    kind: doc.kind,
    name: doc.name,
    role,
    plan_tier: doc.plan_tier,
    subscription_status: doc.subscription_status ?? null,
    current_period_end: doc.current_period_end?.toDate().toISOString() ?? null,
    cancel_at_period_end: doc.cancel_at_period_end ?? false,
    has_billing_account: doc.stripe_customer_id !== undefined,
    credits_balance: Math.max(0, doc.credits_granted - doc.credits_used),
    has_credits: doc.credits_granted > 0,
    billing_settings: doc.billing_settings,
    created_at: doc.created_at.toDate().toISOString(),
  };
}
