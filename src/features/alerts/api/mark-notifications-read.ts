import { useMutation, useQueryClient } from '@tanstack/react-query';
import { markNotificationsReadResponseSchema, type MarkNotificationsReadRequest } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { notificationsQueryKey } from '@/features/alerts/api/get-notifications';

export async function markNotificationsRead(body: MarkNotificationsReadRequest): Promise<number> {
  const { unread } = await apiRequest('/notifications/read', markNotificationsReadResponseSchema, {
    method: 'POST',
    body,
  });
  return unread;
}

export function useMarkNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markNotificationsRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsQueryKey }),
  });
}
