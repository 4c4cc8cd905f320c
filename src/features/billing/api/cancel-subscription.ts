import { useMutation, useQueryClient } from '@tanstack/react-query';
import { billingAccountResponseSchema, type BillingAccountResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { invalidateSubscription } from '@/features/billing/api/subscription-queries';

export function cancelSubscription(accountId: string | null): Promise<BillingAccountResponse> {
  return apiRequest(accountPath(accountId, '/billing/cancel'), billingAccountResponseSchema, {
    method: 'POST',
  });
}

/** Cancels the plan at the end of the paid period. */
export function useCancelSubscription() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: () => cancelSubscription(id),
    onSuccess: () => invalidateSubscription(queryClient, id),
  });
}
