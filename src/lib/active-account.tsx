import { createContext, use, type ReactNode } from 'react';
import type { AccountKind, Permission, Role } from '@shared/roles';
import { can } from '@shared/roles';

/**
 * The account the page works on, named by the URL: `/dashboard/…` is the caller's personal
 * account, `/dashboard/t/:slug/…` a team's. Every account-scoped request and query key is made
 * from it, so two accounts never share a request or a cached answer.
 */
export interface ActiveAccount {
  /** null: the personal account, which the unprefixed routes serve (its id is not needed). */
  id: string | null;
  kind: AccountKind;
  slug: string | null;
  /** The caller's role in it; a personal account's one member is its owner. */
  role: Role;
  /** null until the account list has loaded (the personal account does not wait for it). */
  name: string | null;
}

export const PERSONAL_ACCOUNT: ActiveAccount = {
  id: null,
  kind: 'personal',
  slug: null,
  role: 'owner',
  name: null,
};

const ActiveAccountContext = createContext<ActiveAccount>(PERSONAL_ACCOUNT);

export function ActiveAccountProvider({
  account,
  children,
}: {
  account: ActiveAccount;
  children: ReactNode;
}) {
  return <ActiveAccountContext value={account}>{children}</ActiveAccountContext>;
}

/** Outside a provider (a component rendered on its own) this is the personal account. */
export function useActiveAccount(): ActiveAccount {
  return use(ActiveAccountContext);
}

/** Whether the caller's role in the active account allows `permission` (what the page offers). */
export function useCan(permission: Permission): boolean {
  return can(useActiveAccount().role, permission);
}

/**
 * The root of every query key of one account's data: invalidating `[...accountQueryKey(id), 'keys']`
 * touches that account's keys only.
 */
export function accountQueryKey(accountId: string | null) {
  return ['account', accountId ?? 'personal'] as const;
}
