import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  billingAccountResponseSchema,
  type BillingAccountResponse,
  type BillingSettingsRequest,
} from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { meQueryKey } from '@/lib/api/get-me';

export function updateBillingSettings(body: BillingSettingsRequest): Promise<BillingAccountResponse> {
  return apiRequest('/billing/settings', billingAccountResponseSchema, { method: 'PUT', body });
}

/** The settings live on the account, which /me carries. */
export function useUpdateBillingSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateBillingSettings,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: meQueryKey }),
  });
}
