import { queryOptions, useQuery } from '@tanstack/react-query';
import { notificationsResponseSchema, type NotificationsResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

/** New alerts appear without a reload, at a cost of one request a minute per open tab. */
export const NOTIFICATIONS_REFRESH_MS = 60_000;

export function getNotifications(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<NotificationsResponse> {
  return apiRequest(accountPath(accountId, '/notifications'), notificationsResponseSchema, { signal });
}

export function notificationsQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'notifications'] as const;
}

export function notificationsQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: notificationsQueryKey(accountId),
    queryFn: ({ signal }) => getNotifications(accountId, { signal }),
    refetchInterval: NOTIFICATIONS_REFRESH_MS,
  });
}

/** The active account's latest notifications and the unread count (the bell in the layout). */
export function useNotifications() {
  const { id } = useActiveAccount();
  return useQuery(notificationsQueryOptions(id));
}
