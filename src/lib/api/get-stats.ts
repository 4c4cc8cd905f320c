import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { statsResponseSchema, type StatsQuery, type StatsResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getStats(
  accountId: string | null,
  query: StatsQuery,
  { signal }: { signal?: AbortSignal } = {},
): Promise<StatsResponse> {
  return apiRequest(accountPath(accountId, '/stats'), statsResponseSchema, { query, signal });
}

export function statsQueryKeyRoot(accountId: string | null) {
  return [...accountQueryKey(accountId), 'stats'] as const;
}

export function statsQueryOptions(accountId: string | null, query: StatsQuery) {
  return queryOptions({
    queryKey: [
      ...statsQueryKeyRoot(accountId),
      query.from,
      query.to,
      query.key_id ?? null,
      query.integration ?? null,
    ] as const,
    queryFn: ({ signal }) => getStats(accountId, query, { signal }),
  });
}

/**
 * Daily calls, errors and latency over a range, for the account, one key or one integration's
 * keys, with the calls by key and by integration (Overview, Usage).
 */
export function useStats(query: StatsQuery) {
  const { id } = useActiveAccount();
  // Keep the previous range on screen while the next one loads, so charts don't flash. The page
  // remounts when the account changes, so this never shows another account's numbers.
  return useQuery({ ...statsQueryOptions(id, query), placeholderData: keepPreviousData });
}
