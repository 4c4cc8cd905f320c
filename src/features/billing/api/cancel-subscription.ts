import { useMutation, useQueryClient } from '@tanstack/react-query';
import { billingAccountResponseSchema, type BillingAccountResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { invalidateSubscription } from '@/features/billing/api/subscription-queries';

export function cancelSubscription(): Promise<BillingAccountResponse> {
  return apiRequest('/billing/cancel', billingAccountResponseSchema, { method: 'POST' });
}

/** Cancels the plan at the end of the paid period. */
export function useCancelSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelSubscription,
    onSuccess: () => invalidateSubscription(queryClient),
  });
}
