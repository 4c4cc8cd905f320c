import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  billingAccountResponseSchema,
  type BillingAccountResponse,
  type ChangePlanRequest,
} from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { invalidateSubscription } from '@/features/billing/api/subscription-queries';

export function changePlan(body: ChangePlanRequest): Promise<BillingAccountResponse> {
  return apiRequest('/billing/plan', billingAccountResponseSchema, { method: 'POST', body });
}

/** Moves a subscription to the other paid plan (the portal cannot, with overage on it). */
export function useChangePlan() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: changePlan, onSuccess: () => invalidateSubscription(queryClient) });
}
