import { queryOptions, useQuery } from '@tanstack/react-query';
import { recentUsageResponseSchema, type UsageEvent } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

/** The latest metered calls of one key, or of the whole account when `keyId` is null. */
export async function getRecentUsage(
  accountId: string | null,
  keyId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<UsageEvent[]> {
  const { events } = await apiRequest(accountPath(accountId, '/usage/recent'), recentUsageResponseSchema, {
    query: { key_id: keyId },
    signal,
  });
  return events;
}

export function recentUsageQueryKeyRoot(accountId: string | null) {
  return [...accountQueryKey(accountId), 'usage-recent'] as const;
}

export function recentUsageQueryOptions(accountId: string | null, keyId: string | null) {
  return queryOptions({
    queryKey: [...recentUsageQueryKeyRoot(accountId), keyId] as const,
    queryFn: ({ signal }) => getRecentUsage(accountId, keyId, { signal }),
  });
}

/** Latest calls, newest first: one key's (Usage) or the account's across keys (Overview, Usage). */
export function useRecentUsage(keyId: string | null) {
  const { id } = useActiveAccount();
  return useQuery(recentUsageQueryOptions(id, keyId));
}
