import { useMutation, useQueryClient } from '@tanstack/react-query';
import { accountPath, apiSend } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { alertsQueryKey } from '@/features/alerts/api/get-alerts';

export function deleteWebhook(accountId: string | null): Promise<void> {
  return apiSend(accountPath(accountId, '/alerts/webhook'), { method: 'DELETE' });
}

export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: () => deleteWebhook(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsQueryKey(id) }),
  });
}
