import type { Request, Response } from 'express';
import { requestSource } from '../accounts/audit-log.js';
import { ApiError, notFound } from '../http/api-error.js';
import { assertAdmin, userOf } from '../http/auth.js';
import { bodyOf } from '../http/routes.js';
import { adjustCredits } from '../billing/credit-ledger.js';
import { toLedgerEntry } from '../billing/get-credits.js';
import { db } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { uidSchema } from '../shared/ids.js';
import { creditAdjustmentRequestSchema, type CreditAdjustmentResponse } from '../shared/contracts.js';

/**
 * POST /admin/accounts/:account_id/credits/adjustments {id, units, reason} (admin claim): an
 * operator's correction to an account's prepaid credits, which its Billing page and data export
 * show with the reason. Retrying with the same id applies it once (200 `applied: false`).
 */
export async function postCreditAdjustment(req: Request, res: Response): Promise<void> {
  assertAdmin(res);
  const body = bodyOf(res, creditAdjustmentRequestSchema);
  const accountId = uidSchema.safeParse(req.params.account_id);
  if (!accountId.success) throw notFound('account');
  const outcome = await db().runTransaction((tx) =>
    adjustCredits(tx, {
      accountId: accountId.data,
      id: body.id,
      units: body.units,
      reason: body.reason,
      source: requestSource(req, res),
    }),
  );
  switch (outcome.kind) {
    case 'no_account':
      throw notFound('account');
    case 'id_taken':
      throw new ApiError('conflict', 'This adjustment id was used for another adjustment.', 'id');
    case 'below_zero':
      throw new ApiError(
        'conflict',
        `The balance is ${outcome.balance} units: a negative adjustment may take it to zero, not below.`,
        'units',
      );
    case 'applied':
    case 'exists': {
      if (outcome.kind === 'applied')
        log.creditsAdjusted({
          account_id: accountId.data,
          operator_uid: userOf(res).uid,
          units: body.units,
          entry_id: outcome.entry.id,
        });
      const response: CreditAdjustmentResponse = {
        entry: toLedgerEntry(outcome.entry.id, outcome.entry, true),
        balance: outcome.balance,
        applied: outcome.kind === 'applied',
      };
      res.status(outcome.kind === 'applied' ? 201 : 200).json(response);
    }
  }
}
