import { queryOptions, useQuery } from '@tanstack/react-query';
import { recentUsageResponseSchema, type UsageEvent } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export async function getRecentUsage(
  keyId: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<UsageEvent[]> {
  const { events } = await apiRequest('/usage/recent', recentUsageResponseSchema, {
    query: { key_id: keyId },
    signal,
  });
  return events;
}

export const recentUsageQueryKeyRoot = ['usage-recent'] as const;

export function recentUsageQueryOptions(keyId: string) {
  return queryOptions({
    queryKey: [...recentUsageQueryKeyRoot, keyId] as const,
    queryFn: ({ signal }) => getRecentUsage(keyId, { signal }),
  });
}

/** A key's latest metered calls, newest first (Usage, Overview's recent activity). */
export function useRecentUsage(keyId: string | null) {
  return useQuery({ ...recentUsageQueryOptions(keyId ?? ''), enabled: keyId !== null });
}
