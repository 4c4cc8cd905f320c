import { useMutation, useQueryClient } from '@tanstack/react-query';
import { billingAccountResponseSchema, type BillingAccountResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { invalidateSubscription } from '@/features/billing/api/subscription-queries';

export function resumeSubscription(accountId: string | null): Promise<BillingAccountResponse> {
  return apiRequest(accountPath(accountId, '/billing/resume'), billingAccountResponseSchema, {
    method: 'POST',
  });
}

/** Renews a plan that was set to end. */
export function useResumeSubscription() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: () => resumeSubscription(id),
    onSuccess: () => invalidateSubscription(queryClient, id),
  });
}
