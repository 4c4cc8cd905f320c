import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import {
  RECENT_CREDIT_ENTRIES_LIMIT,
  type CreditLedgerEntry,
  type CreditsResponse,
} from '../shared/contracts.js';
import { can } from '../shared/roles.js';
import { recentCreditEntries, type CreditEntry } from './credit-ledger.js';

/**
 * A ledger entry as the dashboard and the data export show it: `units` is the change to the
 * balance. What a pack cost is billing information, shown only to those who may manage billing.
 */
export function toLedgerEntry(id: string, entry: CreditEntry, showAmounts: boolean): CreditLedgerEntry {
  const at = entry.at.toDate().toISOString();
  switch (entry.kind) {
    case 'grant':
      return {
        id,
        kind: 'grant',
        units: entry.units,
        at,
        date: null,
        amount_cents: showAmounts ? entry.amount_cents : null,
        reason: null,
      };
    case 'usage':
      return {
        id,
        kind: 'usage',
        units: -entry.units,
        at,
        date: entry.date,
        amount_cents: null,
        reason: null,
      };
    case 'adjustment':
      return {
        id,
        kind: 'adjustment',
        units: entry.units,
        at,
        date: null,
        amount_cents: null,
        reason: entry.reason,
      };
  }
}

/**
 * GET /billing/credits: the account's prepaid balance and its newest ledger entries. Any member
 * who reads usage sees it (credits are what calls draw on); amounts paid only with manage_billing.
 */
export async function getCredits(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const entries = await recentCreditEntries(account.id, RECENT_CREDIT_ENTRIES_LIMIT);
  const showAmounts = can(account.role, 'manage_billing');
  const { credits_granted: granted, credits_used: used } = account.doc;
  const body: CreditsResponse = {
    balance: Math.max(0, granted - used),
    granted,
    used,
    has_credits: granted > 0,
    entries: entries.map((entry) => toLedgerEntry(entry.id, entry, showAmounts)),
  };
  res.json(body);
}
