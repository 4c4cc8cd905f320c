import { queryOptions, useQuery } from '@tanstack/react-query';
import { meResponseSchema, type MeResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getMe({ signal }: { signal?: AbortSignal } = {}): Promise<MeResponse> {
  return apiRequest('/me', meResponseSchema, { signal });
}

export const meQueryKey = ['me'] as const;

export function meQueryOptions() {
  return queryOptions({ queryKey: meQueryKey, queryFn: getMe });
}

/** The account's profile, plan and this month's usage (layout, Overview, Billing, Settings). */
export function useMe() {
  return useQuery(meQueryOptions());
}
