import { queryOptions, useQuery } from '@tanstack/react-query';
import { recentUsageResponseSchema, type UsageEvent } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

/** The latest metered calls of one key, or of the whole account when `keyId` is null. */
export async function getRecentUsage(
  keyId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<UsageEvent[]> {
  const { events } = await apiRequest('/usage/recent', recentUsageResponseSchema, {
    query: { key_id: keyId },
    signal,
  });
  return events;
}

export const recentUsageQueryKeyRoot = ['usage-recent'] as const;

export function recentUsageQueryOptions(keyId: string | null) {
  return queryOptions({
    queryKey: [...recentUsageQueryKeyRoot, keyId] as const,
    queryFn: ({ signal }) => getRecentUsage(keyId, { signal }),
  });
}

/** Latest calls, newest first: one key's (Usage) or the account's across keys (Overview, Usage). */
export function useRecentUsage(keyId: string | null) {
  return useQuery(recentUsageQueryOptions(keyId));
}
