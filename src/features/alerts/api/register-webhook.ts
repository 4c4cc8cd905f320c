import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  registerWebhookResponseSchema,
  type RegisterWebhookRequest,
  type RegisterWebhookResponse,
} from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { alertsQueryKey } from '@/features/alerts/api/get-alerts';

/** The only answer that carries the webhook's signing secret. */
export function registerWebhook(body: RegisterWebhookRequest): Promise<RegisterWebhookResponse> {
  return apiRequest('/alerts/webhook', registerWebhookResponseSchema, { method: 'PUT', body });
}

export function useRegisterWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: registerWebhook,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsQueryKey }),
  });
}
