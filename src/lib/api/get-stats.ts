import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { statsResponseSchema, type StatsQuery, type StatsResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getStats(
  query: StatsQuery,
  { signal }: { signal?: AbortSignal } = {},
): Promise<StatsResponse> {
  return apiRequest('/stats', statsResponseSchema, { query, signal });
}

export const statsQueryKeyRoot = ['stats'] as const;

export function statsQueryOptions(query: StatsQuery) {
  return queryOptions({
    queryKey: [...statsQueryKeyRoot, query.from, query.to, query.key_id ?? null] as const,
    queryFn: ({ signal }) => getStats(query, { signal }),
  });
}

/** Daily calls, errors and latency over a range, for the account or one key (Overview, Usage). */
export function useStats(query: StatsQuery) {
  // Keep the previous range on screen while the next one loads, so charts don't flash.
  return useQuery({ ...statsQueryOptions(query), placeholderData: keepPreviousData });
}
