/**
 * Which usage alerts a lease makes fire. The lease ledger is where an account's units are
 * handed out, so it is where a threshold is first reached, exactly once for all instances: the
 * lease that takes the units handed out this period from below a threshold to it or above
 * fires it (in the lease's own transaction, see budget-ledger.ts), and the alert's id (one per
 * account, period, kind and threshold) makes a second crossing (units given back, then leased
 * again) find it there. Units handed out run ahead of units used by at most the blocks
 * instances hold (LEASE_HORIZON_MS of the account's demand), so an alert fires at most that
 * early. Delivery is alerts/on-alert-fired.ts.
 */
import { Timestamp } from 'firebase-admin/firestore';
import { alertId, type AlertDoc } from '../alerts/alert-doc.js';
import type { AlertSettingsDoc } from '../alerts/settings.js';
import type { Allowance } from '../shared/plans.js';
import type { BudgetDoc, LeaseAsk } from './budget-ledger.js';

export interface LeaseAlertInput {
  ask: LeaseAsk;
  allowance: Allowance;
  settings: AlertSettingsDoc;
  account: { before: BudgetDoc; after: BudgetDoc };
  key?: { before: BudgetDoc; after: BudgetDoc };
  now: Date;
}

/** A count in `period` as the document has it: none if the document is on another month. */
function inPeriod(doc: BudgetDoc, period: string, field: 'period' | 'overage'): number {
  if (field === 'period') return doc.period === period ? doc.period_granted : 0;
  return doc.overage_period === period ? doc.overage_granted : 0;
}

/** `before` below the level, `after` at it or above. */
function crosses(before: number, after: number, level: number): boolean {
  return before < level && after >= level;
}

export function leaseAlerts(input: LeaseAlertInput): { id: string; doc: AlertDoc }[] {
  const { ask, allowance, settings, account, now } = input;
  const period = ask.period;
  const firedAt = Timestamp.fromDate(now);
  const alerts: { id: string; doc: AlertDoc }[] = [];
  const fire = (doc: Omit<AlertDoc, 'account_id' | 'period' | 'fired_at'>) => {
    const full: AlertDoc = { ...doc, account_id: ask.accountId, period, fired_at: firedAt };
    alerts.push({ id: alertId(full), doc: full });
  };

  const quota = allowance.limits.monthly;
  const usedBefore = inPeriod(account.before, period, 'period');
  const usedAfter = inPeriod(account.after, period, 'period');
  for (const percent of settings.quota_thresholds) {
    const level = Math.ceil((quota * percent) / 100);
    if (crosses(usedBefore, usedAfter, level))
      fire({
        kind: 'quota_threshold',
        threshold: percent,
        key_id: null,
        meter: 'units',
        value: usedAfter,
        limit: quota,
      });
  }

  const low = settings.low_credits_units;
  if (low !== null && allowance.creditsGranted > 0) {
    const leftBefore = allowance.creditsGranted - account.before.credits_leased;
    const leftAfter = allowance.creditsGranted - account.after.credits_leased;
    if (leftBefore > low && leftAfter <= low)
      fire({
        kind: 'low_credits',
        threshold: low,
        key_id: null,
        meter: 'credits',
        value: Math.max(0, leftAfter),
        limit: allowance.creditsGranted,
      });
  }

  const cap = allowance.overage.allowed ? allowance.overage.capUnits : null;
  if (cap !== null) {
    const before = inPeriod(account.before, period, 'overage');
    const after = inPeriod(account.after, period, 'overage');
    if (crosses(before, after, cap))
      fire({
        kind: 'spend_cap',
        threshold: 100,
        key_id: null,
        meter: 'overage_units',
        value: after,
        limit: cap,
      });
  }

  const keyCap = ask.key?.capMonthly ?? null;
  if (input.key !== undefined && ask.key !== undefined && keyCap !== null) {
    const before = inPeriod(input.key.before, period, 'period');
    const after = inPeriod(input.key.after, period, 'period');
    if (crosses(before, after, keyCap))
      fire({
        kind: 'key_cap',
        threshold: 100,
        key_id: ask.key.budgetId,
        meter: 'units',
        value: after,
        limit: keyCap,
      });
  }
  return alerts;
}
