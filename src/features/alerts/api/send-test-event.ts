import { useMutation, useQueryClient } from '@tanstack/react-query';
import { webhookDeliveryResponseSchema, type WebhookDelivery } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { deliveriesQueryKey } from '@/features/alerts/api/get-deliveries';

/** Sends an `alert.test` event to the registered webhook; answers after its first attempt. */
export async function sendTestEvent(): Promise<WebhookDelivery> {
  const { delivery } = await apiRequest('/alerts/webhook/test', webhookDeliveryResponseSchema, {
    method: 'POST',
  });
  return delivery;
}

export function useSendTestEvent() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: sendTestEvent,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: deliveriesQueryKey }),
  });
}
