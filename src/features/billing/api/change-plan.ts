import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  billingAccountResponseSchema,
  type BillingAccountResponse,
  type ChangePlanRequest,
} from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { invalidateSubscription } from '@/features/billing/api/subscription-queries';

export function changePlan(
  accountId: string | null,
  body: ChangePlanRequest,
): Promise<BillingAccountResponse> {
  return apiRequest(accountPath(accountId, '/billing/plan'), billingAccountResponseSchema, {
    method: 'POST',
    body,
  });
}

/** Moves a subscription to the other paid plan (the portal cannot, with overage on it). */
export function useChangePlan() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: ChangePlanRequest) => changePlan(id, body),
    onSuccess: () => invalidateSubscription(queryClient, id),
  });
}
