import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  billingAccountResponseSchema,
  type BillingAccountResponse,
  type BillingSettingsRequest,
} from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { summaryQueryKey } from '@/lib/api/get-summary';

export function updateBillingSettings(
  accountId: string | null,
  body: BillingSettingsRequest,
): Promise<BillingAccountResponse> {
  return apiRequest(accountPath(accountId, '/billing/settings'), billingAccountResponseSchema, {
    method: 'PUT',
    body,
  });
}

/** The settings live on the account, which its summary carries. */
export function useUpdateBillingSettings() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: BillingSettingsRequest) => updateBillingSettings(id, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: summaryQueryKey(id) }),
  });
}
