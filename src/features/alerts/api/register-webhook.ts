import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  registerWebhookResponseSchema,
  type RegisterWebhookRequest,
  type RegisterWebhookResponse,
} from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { alertsQueryKey } from '@/features/alerts/api/get-alerts';

/** The only answer that carries the webhook's signing secret. */
export function registerWebhook(
  accountId: string | null,
  body: RegisterWebhookRequest,
): Promise<RegisterWebhookResponse> {
  return apiRequest(accountPath(accountId, '/alerts/webhook'), registerWebhookResponseSchema, {
    method: 'PUT',
    body,
  });
}

export function useRegisterWebhook() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: RegisterWebhookRequest) => registerWebhook(id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: alertsQueryKey(id) }),
  });
}
