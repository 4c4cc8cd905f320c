import { queryOptions, useQuery } from '@tanstack/react-query';
import { notificationsResponseSchema, type NotificationsResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

/** New alerts appear without a reload, at a cost of one request a minute per open tab. */
export const NOTIFICATIONS_REFRESH_MS = 60_000;

export function getNotifications({ signal }: { signal?: AbortSignal } = {}): Promise<NotificationsResponse> {
  return apiRequest('/notifications', notificationsResponseSchema, { signal });
}

export const notificationsQueryKey = ['notifications'] as const;

export function notificationsQueryOptions() {
  return queryOptions({
    queryKey: notificationsQueryKey,
    queryFn: getNotifications,
    refetchInterval: NOTIFICATIONS_REFRESH_MS,
  });
}

/** The latest notifications and the unread count (the bell in the layout). */
export function useNotifications() {
  return useQuery(notificationsQueryOptions());
}
