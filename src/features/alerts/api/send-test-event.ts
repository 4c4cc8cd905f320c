import { useMutation, useQueryClient } from '@tanstack/react-query';
import { webhookDeliveryResponseSchema, type WebhookDelivery } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { deliveriesQueryKey } from '@/features/alerts/api/get-deliveries';

/** Sends an `alert.test` event to the registered webhook; answers after its first attempt. */
export async function sendTestEvent(accountId: string | null): Promise<WebhookDelivery> {
  const { delivery } = await apiRequest(
    accountPath(accountId, '/alerts/webhook/test'),
    webhookDeliveryResponseSchema,
    { method: 'POST' },
  );
  return delivery;
}

export function useSendTestEvent() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: () => sendTestEvent(id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesQueryKey(id) }),
  });
}
