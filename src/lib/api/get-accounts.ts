import { queryOptions, useQuery } from '@tanstack/react-query';
import { accountsResponseSchema, type AccountsResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export type AccountListEntry = AccountsResponse['accounts'][number];

export async function getAccounts({ signal }: { signal?: AbortSignal } = {}): Promise<AccountListEntry[]> {
  const { accounts } = await apiRequest('/accounts', accountsResponseSchema, { signal });
  return accounts;
}

/** The caller's, not an account's: it names every account, so it is not under one. */
export const accountsQueryKey = ['accounts'] as const;

export function accountsQueryOptions() {
  return queryOptions({ queryKey: accountsQueryKey, queryFn: getAccounts });
}

/** Every account the caller belongs to with its role, personal first (switcher, team URLs). */
export function useAccounts() {
  return useQuery(accountsQueryOptions());
}
