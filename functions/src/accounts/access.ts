/**
 * Which account a dashboard request works on, checked after the ID token: identity, then
 * membership and role, then work. Routes are mounted twice (dashboard/app.ts): unprefixed, they
 * mean the caller's personal account (created on first use); under
 * `/accounts/:account_id/…`, an account the caller is a member of. A non-member, a removed
 * member and an id that is no account all get the same 404, so ids cannot be probed.
 */
import type { NextFunction, Request, Response } from 'express';
import { ApiError, notFound } from '../http/api-error.js';
import { userOf } from '../http/auth.js';
import { uidSchema } from '../shared/ids.js';
import { can, type Permission, type Role } from '../shared/roles.js';
import { accountRef, memberDocSchema, memberRef, readAccountDoc, type AccountDoc } from './account-doc.js';
import { ensureProfile } from './profile.js';

export interface AccountAccess {
  id: string;
  role: Role;
  doc: AccountDoc;
}

declare module 'express-serve-static-core' {
  interface Locals {
    account?: AccountAccess;
  }
}

/** Unprefixed routes: the caller's personal account, where the caller is the owner. */
export async function personalAccount(_req: Request, res: Response, next: NextFunction): Promise<void> {
  const user = userOf(res);
  const { account } = await ensureProfile(user);
  res.locals.account = { id: user.uid, role: 'owner', doc: account };
  next();
}

/** `/accounts/:account_id/…`: an account the caller belongs to, with the caller's role. */
export async function memberAccount(req: Request, res: Response, next: NextFunction): Promise<void> {
  const user = userOf(res);
  // Account ids are uids (personal accounts) or Firestore auto-ids (teams): both fit a uid's shape.
  const parsed = uidSchema.safeParse(req.params.account_id);
  if (!parsed.success) throw notFound('account');
  const accountId = parsed.data;
  const [account, member] = await Promise.all([
    accountRef(accountId).get(),
    memberRef(accountId, user.uid).get(),
  ]);
  const membership = memberDocSchema.safeParse(member.data());
  if (!account.exists || !membership.success) throw notFound('account');
  res.locals.account = { id: accountId, role: membership.data.role, doc: readAccountDoc(account.data()) };
  next();
}

export function accountOf(res: Response): AccountAccess {
  const account = res.locals.account;
  if (account === undefined) throw new Error('route mounted without an account resolver');
  return account;
}

/** The request's account, once the caller's role allows `permission` in it (else 403). */
export function accountFor(res: Response, permission: Permission): AccountAccess {
  const account = accountOf(res);
  if (!can(account.role, permission))
    throw new ApiError('forbidden', `Your role in this account (${account.role}) does not allow this.`);
  return account;
}

/** A team's request: as accountFor, and a personal account (which has one member) is a 409. */
export function teamFor(res: Response, permission: Permission): AccountAccess {
  const account = accountFor(res, permission);
  if (account.doc.kind !== 'team')
    throw new ApiError(
      'conflict',
      'A personal account has no other members. Create a team to invite people.',
    );
  return account;
}
