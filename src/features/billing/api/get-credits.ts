import { queryOptions, useQuery } from '@tanstack/react-query';
import { creditsResponseSchema, type CreditsResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getCredits({ signal }: { signal?: AbortSignal } = {}): Promise<CreditsResponse> {
  return apiRequest('/billing/credits', creditsResponseSchema, { signal });
}

export const creditsQueryKey = ['billing', 'credits'] as const;

export function creditsQueryOptions() {
  return queryOptions({ queryKey: creditsQueryKey, queryFn: getCredits });
}

/** The prepaid balance and the newest ledger entries. */
export function useCredits(options: { pollMs?: number | false } = {}) {
  return useQuery({ ...creditsQueryOptions(), refetchInterval: options.pollMs ?? false });
}
