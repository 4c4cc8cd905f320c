import { useMutation, useQueryClient } from '@tanstack/react-query';
import { markNotificationsReadResponseSchema, type MarkNotificationsReadRequest } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { notificationsQueryKey } from '@/features/alerts/api/get-notifications';

export async function markNotificationsRead(
  accountId: string | null,
  body: MarkNotificationsReadRequest,
): Promise<number> {
  const { unread } = await apiRequest(
    accountPath(accountId, '/notifications/read'),
    markNotificationsReadResponseSchema,
    { method: 'POST', body },
  );
  return unread;
}

export function useMarkNotificationsRead() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: MarkNotificationsReadRequest) => markNotificationsRead(id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: notificationsQueryKey(id) }),
  });
}
