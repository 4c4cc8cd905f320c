import { queryOptions, useQuery } from '@tanstack/react-query';
import { accountResponseSchema, type AccountResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getSummary(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<AccountResponse> {
  return apiRequest(accountPath(accountId, '/summary'), accountResponseSchema, { signal });
}

export function summaryQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'summary'] as const;
}

export function summaryQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: summaryQueryKey(accountId),
    queryFn: ({ signal }) => getSummary(accountId, { signal }),
  });
}

/** The active account's plan, billing state and this month's usage (layout, Overview, Billing, Alerts). */
export function useSummary() {
  const { id } = useActiveAccount();
  return useQuery(summaryQueryOptions(id));
}
