import { queryOptions, useQuery } from '@tanstack/react-query';
import { creditsResponseSchema, type CreditsResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getCredits(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<CreditsResponse> {
  return apiRequest(accountPath(accountId, '/billing/credits'), creditsResponseSchema, { signal });
}

export function creditsQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'billing', 'credits'] as const;
}

export function creditsQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: creditsQueryKey(accountId),
    queryFn: ({ signal }) => getCredits(accountId, { signal }),
  });
}

/** The prepaid balance and the newest ledger entries. */
export function useCredits(options: { pollMs?: number | false } = {}) {
  const { id } = useActiveAccount();
  return useQuery({ ...creditsQueryOptions(id), refetchInterval: options.pollMs ?? false });
}
