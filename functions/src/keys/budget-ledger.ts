/**
 * The Firestore side of exact limits: `account_budgets/{account_id}` records how many units of
 * the current period and of each recent minute window have been handed out to API instances,
 * and `account_budgets/{account_id}/key_budgets/{budget_id}` the same for a key lineage with
 * caps. One transaction leases blocks for every pool a call needs and takes back what an
 * instance returns, so the units handed out for a period or a window never exceed its limit,
 * whatever the number of instances. The account's limits are read in the same transaction: a
 * plan change applies to the next lease.
 *
 * Beyond the plan's included units an account's calls draw, in this order, on its prepaid
 * credits and then, if its holder allows overage, on overage units up to the spend cap. The
 * account's budget document counts those too: `credits_leased` (all time, net of what came
 * back) never passes the credits ever granted, and `overage_granted` never passes the period's
 * cap. Usage is charged only from units an instance holds, so credits used never pass credits
 * granted: the balance is never driven below zero.
 */
import {
  FieldValue,
  type DocumentReference,
  type DocumentSnapshot,
  type Transaction,
} from 'firebase-admin/firestore';
import { z } from 'zod';
import { accountRef, allowanceOf, readAccountDoc } from '../accounts/account-doc.js';
import { db } from '../lib/firebase.js';
import { ACCOUNT_BUDGETS, ALERTS, KEY_BUDGETS } from '../lib/collections.js';
import { alertSettingsRef, parseAlertSettings } from '../alerts/settings.js';
import { leaseAlerts } from './lease-alerts.js';
import { log } from '../lib/log.js';
import { periodSchema } from '../shared/dates.js';
import { accountLimits, type AccountLimits, type Allowance } from '../shared/plans.js';

/** Windows kept per budget document: the current one and two behind, for instances' clock skew. */
const WINDOWS_KEPT = 3;

export const budgetDocSchema = z.object({
  period: periodSchema.optional(),
  period_granted: z.number().int().nonnegative().default(0),
  windows: z.record(z.string().regex(/^\d+$/), z.number().int().nonnegative()).default({}),
  /** Credits handed out to instances, all time, less what they gave back. */
  credits_leased: z.number().int().nonnegative().default(0),
  /** Overage units handed out in `overage_period`. */
  overage_period: periodSchema.optional(),
  overage_granted: z.number().int().nonnegative().default(0),
});
export type BudgetDoc = z.infer<typeof budgetDocSchema>;

/** What an instance asks of one budget (the account's or a key lineage's). */
export interface PoolAsk {
  /** Units wanted for the period and for the window; 0 asks for none. */
  period: number;
  window: number;
  /** Unused units of this period given back (a period lease it no longer needs). */
  returned: number;
  /** Of `returned`, the units that were credits and overage (the account's pool only). */
  returnedCredits?: number;
  returnedOverage?: number;
}

export interface LeaseAsk {
  accountId: string;
  period: string;
  window: number;
  account: PoolAsk;
  /** Only for a key with a cap: its lineage's budget and caps (null: no cap of that kind). */
  key?: PoolAsk & { budgetId: string; capMonthly: number | null; capPerMinute: number | null };
}

export interface PoolGrant {
  period: number;
  window: number;
  /** Units of the period and of the window nobody holds yet, after this grant. */
  periodLeft: number;
  windowLeft: number;
}

export interface LeaseGrant {
  limits: AccountLimits;
  /** What the account may spend beyond the included units, as read with this lease. */
  beyond: { credits: boolean; overage: boolean; capped: boolean };
  /** Of `account.period`, the units that are credits and overage. */
  account: PoolGrant & { credits: number; overage: number };
  key?: PoolGrant;
}

export function accountBudgetRef(accountId: string): DocumentReference {
  return db().collection(ACCOUNT_BUDGETS).doc(accountId);
}

export function keyBudgetRef(accountId: string, budgetId: string): DocumentReference {
  return accountBudgetRef(accountId).collection(KEY_BUDGETS).doc(budgetId);
}

function readBudget(snapshot: DocumentSnapshot | undefined): BudgetDoc {
  const parsed = budgetDocSchema.safeParse(snapshot?.data() ?? {});
  if (parsed.success) return parsed.data;
  // A damaged document must not stop an account's calls for good: start it again, loudly.
  log.budgetReset({ path: snapshot?.ref.path ?? 'unknown' });
  return budgetDocSchema.parse({});
}

/**
 * Applies one pool's ask to its document's state. Limits of `null` mean no such limit: nothing
 * is tracked and the grant is what was asked. A period or window older than the document's is
 * granted nothing (an instance whose clock is behind the month's or minute's turn).
 */
export function settle(
  doc: BudgetDoc,
  ask: PoolAsk,
  period: string,
  window: number,
  limits: { monthly: number | null; perMinute: number | null },
): { doc: BudgetDoc; grant: PoolGrant } {
  const samePeriod = doc.period === undefined || doc.period === period;
  const newerPeriod = doc.period !== undefined && period > doc.period;
  let periodGranted = samePeriod ? doc.period_granted : newerPeriod ? 0 : Number.POSITIVE_INFINITY;
  if (samePeriod) periodGranted = Math.max(0, periodGranted - ask.returned);
  const periodRoom = limits.monthly === null ? ask.period : Math.max(0, limits.monthly - periodGranted);
  const periodGrant = Math.min(ask.period, periodRoom);

  const newest = Math.max(window, ...Object.keys(doc.windows).map(Number));
  const tooOld = window <= newest - WINDOWS_KEPT;
  const windowGranted = doc.windows[String(window)] ?? 0;
  const windowRoom =
    limits.perMinute === null ? ask.window : tooOld ? 0 : Math.max(0, limits.perMinute - windowGranted);
  const windowGrant = Math.min(ask.window, windowRoom);

  const windows: Record<string, number> = {};
  for (const [name, granted] of Object.entries(doc.windows))
    if (Number(name) > newest - WINDOWS_KEPT) windows[name] = granted;
  if (!tooOld && limits.perMinute !== null) windows[String(window)] = windowGranted + windowGrant;

  const next: BudgetDoc =
    newerPeriod || samePeriod
      ? { ...doc, period, period_granted: periodGranted + periodGrant, windows }
      : { ...doc, windows };
  return {
    doc: next,
    grant: {
      period: periodGrant,
      window: windowGrant,
      periodLeft: limits.monthly === null ? Number.POSITIVE_INFINITY : Math.max(0, periodRoom - periodGrant),
      windowLeft:
        limits.perMinute === null ? Number.POSITIVE_INFINITY : Math.max(0, windowRoom - windowGrant),
    },
  };
}

function write(tx: Transaction, ref: DocumentReference, accountId: string, doc: BudgetDoc): void {
  tx.set(ref, { account_id: accountId, ...doc, updated_at: FieldValue.serverTimestamp() });
}

/**
 * What the period's units the included ones could not cover draw on: credits (no period), then
 * overage (this period's, up to the cap). Returned credits and overage go back first.
 */
function settleBeyond(
  doc: BudgetDoc,
  ask: PoolAsk,
  wanted: number,
  period: string,
  allowance: Allowance,
): { doc: BudgetDoc; credits: number; overage: number; left: number } {
  const leased = Math.max(0, doc.credits_leased - (ask.returnedCredits ?? 0));
  const creditsRoom = Math.max(0, allowance.creditsGranted - leased);
  const credits = Math.min(wanted, creditsRoom);

  const overagePeriod = doc.overage_period;
  const samePeriod = overagePeriod === undefined || overagePeriod === period;
  const olderPeriod = overagePeriod !== undefined && period < overagePeriod;
  const granted = samePeriod ? Math.max(0, doc.overage_granted - (ask.returnedOverage ?? 0)) : 0;
  const overageRoom =
    !allowance.overage.allowed || olderPeriod
      ? 0
      : allowance.overage.capUnits === null
        ? Number.POSITIVE_INFINITY
        : Math.max(0, allowance.overage.capUnits - granted);
  const overage = Math.min(wanted - credits, overageRoom);
  return {
    doc: {
      ...doc,
      credits_leased: leased + credits,
      ...(olderPeriod ? {} : { overage_period: period, overage_granted: granted + overage }),
    },
    credits,
    overage,
    left: creditsRoom - credits + (overageRoom - overage),
  };
}

/** An account with no document (never migrated, or mid-deletion) gets the Free plan and nothing more. */
const NO_ACCOUNT: Allowance = {
  limits: accountLimits('free'),
  creditsGranted: 0,
  overage: { allowed: false, capUnits: null },
};

/**
 * A whole lease, storage aside: the account's pool against its limits and what it may spend
 * beyond them (`undefined`: no account document), then the key lineage's against its caps.
 * Exported so that tests can run the same decisions over an in-memory store
 * (test-support/memory-ledger.ts).
 */
export function settleLease(
  ask: LeaseAsk,
  allowanceRead: Allowance | undefined,
  accountBudget: BudgetDoc,
  keyBudget: BudgetDoc,
): { grant: LeaseGrant; account: BudgetDoc; key?: BudgetDoc } {
  const allowance = allowanceRead ?? NO_ACCOUNT;
  const limits = allowance.limits;
  const includedAsk = {
    ...ask.account,
    returned: Math.max(
      0,
      ask.account.returned - (ask.account.returnedCredits ?? 0) - (ask.account.returnedOverage ?? 0),
    ),
  };
  const included = settle(accountBudget, includedAsk, ask.period, ask.window, {
    monthly: limits.monthly,
    perMinute: limits.per_minute,
  });
  const beyond = settleBeyond(
    included.doc,
    ask.account,
    ask.account.period - included.grant.period,
    ask.period,
    allowance,
  );
  const account = {
    doc: beyond.doc,
    grant: {
      ...included.grant,
      period: included.grant.period + beyond.credits + beyond.overage,
      periodLeft: included.grant.periodLeft + beyond.left,
      credits: beyond.credits,
      overage: beyond.overage,
    },
  };
  const grantBase = {
    limits,
    beyond: {
      credits: allowance.creditsGranted > 0,
      overage: allowance.overage.allowed,
      capped: allowance.overage.capUnits !== null,
    },
  };
  if (ask.key === undefined) return { grant: { ...grantBase, account: account.grant }, account: account.doc };
  const key = settle(keyBudget, ask.key, ask.period, ask.window, {
    monthly: ask.key.capMonthly,
    perMinute: ask.key.capPerMinute,
  });
  return {
    grant: { ...grantBase, account: account.grant, key: key.grant },
    account: account.doc,
    key: key.doc,
  };
}

/**
 * The documents a lease reads, in this order: the account's budget, the account, its alert
 * settings and, for a key with caps, its lineage's budget (exported for bench:api's accounting).
 */
export function leaseReads(accountId: string, keyRef?: DocumentReference): DocumentReference[] {
  const refs = [accountBudgetRef(accountId), accountRef(accountId), alertSettingsRef(accountId)];
  return keyRef === undefined ? refs : [...refs, keyRef];
}

/**
 * One lease: a transaction of three or four reads (leaseReads: the budgets, the account, its alert settings)
 * and one or two writes, plus an alert for each threshold this lease reaches (lease-alerts.ts).
 */
export async function leaseBudget(ask: LeaseAsk): Promise<LeaseGrant> {
  const firestore = db();
  const budgetRef = accountBudgetRef(ask.accountId);
  const keyRef = ask.key === undefined ? undefined : keyBudgetRef(ask.accountId, ask.key.budgetId);
  return firestore.runTransaction(async (tx) => {
    const [budgetSnap, accountSnap, settingsSnap, keySnap] = await tx.getAll(
      ...leaseReads(ask.accountId, keyRef),
    );
    const allowance =
      accountSnap?.exists === true ? allowanceOf(readAccountDoc(accountSnap.data())) : undefined;
    const before = { account: readBudget(budgetSnap), key: readBudget(keySnap) };
    const settled = settleLease(ask, allowance, before.account, before.key);
    // Only an account that exists has alerts: a deleted one's last leases fire nothing.
    const alerts =
      allowance === undefined
        ? []
        : leaseAlerts({
            ask,
            allowance,
            settings: parseAlertSettings(settingsSnap?.data()),
            account: { before: before.account, after: settled.account },
            ...(settled.key === undefined ? {} : { key: { before: before.key, after: settled.key } }),
            now: new Date(),
          });
    const alertRefs = alerts.map(({ id }) => firestore.collection(ALERTS).doc(id));
    const existing = alertRefs.length === 0 ? [] : await tx.getAll(...alertRefs);
    write(tx, budgetRef, ask.accountId, settled.account);
    if (keyRef !== undefined && settled.key !== undefined) write(tx, keyRef, ask.accountId, settled.key);
    alerts.forEach(({ doc }, index) => {
      const ref = alertRefs[index];
      if (ref !== undefined && existing[index]?.exists !== true) tx.create(ref, doc);
    });
    return settled.grant;
  });
}
