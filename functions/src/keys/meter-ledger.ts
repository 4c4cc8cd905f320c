/**
 * The ledger of named meters (shared/plans.ts METERS): `account_budgets/{account_id}/
 * meter_budgets/{meter}`, one budget document per account and meter, leased exactly as the
 * account's own (budget-ledger.ts settleLease) against the meter's limits, read from the
 * account's plan and overrides in the same transaction. The instance runs a LeasedLimits of its
 * own for meters whose subjects are `{account_id}/{meter}` (meterSubject).
 */
import { accountRef, meterLimitOf, readAccountDoc } from '../accounts/account-doc.js';
import { db } from '../lib/firebase.js';
import { ACCOUNT_BUDGETS } from '../lib/collections.js';
import { budgetDocSchema, settleLease, type LeaseAsk, type LeaseGrant } from './budget-ledger.js';
import {
  meterLimit,
  meterNameSchema,
  type Allowance,
  type MeterLimit,
  type MeterName,
} from '../shared/plans.js';
import type { LimitSubject } from './limits.js';

export const METER_BUDGETS = 'meter_budgets';

/** A limit no account reaches: a meter with no per-minute limit still counts in its minutes. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

export function meterBudgetRef(accountId: string, meter: MeterName) {
  return db().collection(ACCOUNT_BUDGETS).doc(accountId).collection(METER_BUDGETS).doc(meter);
}

/** The subject under which an account's units of a meter are limited. Account ids hold no `/`. */
export function meterSubject(accountId: string, meter: MeterName): LimitSubject {
  return { accountId: `${accountId}/${meter}`, budgetId: meter, capMonthly: null, capPerMinute: null };
}

function parseSubject(subjectId: string): { accountId: string; meter: MeterName } {
  const [accountId, name] = subjectId.split('/');
  const meter = meterNameSchema.safeParse(name);
  if (accountId === undefined || accountId === '' || !meter.success)
    throw new Error(`not a meter subject: ${subjectId}`);
  return { accountId, meter: meter.data };
}

function meterAllowance(limit: MeterLimit | null): Allowance {
  return {
    limits: { monthly: limit?.monthly ?? UNLIMITED, per_minute: limit?.per_minute ?? UNLIMITED },
    creditsGranted: 0,
    overage: { allowed: false, capUnits: null },
  };
}

/** One meter lease: a transaction of two reads and one write. */
export async function leaseMeterBudget(ask: LeaseAsk): Promise<LeaseGrant> {
  const { accountId, meter } = parseSubject(ask.accountId);
  const ref = meterBudgetRef(accountId, meter);
  return db().runTransaction(async (tx) => {
    const [budget, account] = await tx.getAll(ref, accountRef(accountId));
    // An account with no document gets the Free plan's limit, as its own budget does.
    const limit =
      account?.exists === true
        ? meterLimitOf(readAccountDoc(account.data()), meter)
        : meterLimit('free', meter);
    const stored = budgetDocSchema.safeParse(budget?.data() ?? {});
    const settled = settleLease(
      { ...ask, key: undefined },
      meterAllowance(limit),
      stored.success ? stored.data : budgetDocSchema.parse({}),
      budgetDocSchema.parse({}),
    );
    tx.set(ref, { account_id: accountId, meter, ...settled.account });
    return settled.grant;
  });
}
