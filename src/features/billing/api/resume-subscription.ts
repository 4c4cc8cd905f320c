import { useMutation, useQueryClient } from '@tanstack/react-query';
import { billingAccountResponseSchema, type BillingAccountResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { invalidateSubscription } from '@/features/billing/api/subscription-queries';

export function resumeSubscription(): Promise<BillingAccountResponse> {
  return apiRequest('/billing/resume', billingAccountResponseSchema, { method: 'POST' });
}

/** Renews a plan that was set to end. */
export function useResumeSubscription() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: resumeSubscription,
    onSuccess: () => invalidateSubscription(queryClient),
  });
}
