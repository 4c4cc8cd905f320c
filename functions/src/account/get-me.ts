import type { Request, Response } from 'express';
import { accountFor } from '../accounts/access.js';
import { toAccountSummary } from '../accounts/account-doc.js';
import { ensureProfile, toProfile } from '../accounts/profile.js';
import { userOf } from '../http/auth.js';
import type { AccountResponse, MeResponse } from '../shared/contracts.js';
import { accountUsage } from './account-usage.js';

/**
 * GET /me: the profile and the personal account (both created on the first call), with the
 * personal account's usage this period.
 */
export async function getMe(_req: Request, res: Response): Promise<void> {
  const user = userOf(res);
  const profile = await ensureProfile(user);
  const body: MeResponse = {
    user: toProfile(user, profile.user),
    account: toAccountSummary(user.uid, profile.account, 'owner'),
    usage: await accountUsage(user.uid, profile.account, new Date()),
  };
  res.json(body);
}

/** GET /summary (and /accounts/:account_id/summary): the request's account and its usage. */
export async function getSummary(_req: Request, res: Response): Promise<void> {
  const account = accountFor(res, 'read_usage');
  const body: AccountResponse = {
    account: toAccountSummary(account.id, account.doc, account.role),
    usage: await accountUsage(account.id, account.doc, new Date()),
  };
  res.json(body);
}
