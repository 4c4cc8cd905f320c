import { useMutation } from '@tanstack/react-query';
import {
  creditAdjustmentResponseSchema,
  type CreditAdjustmentRequest,
  type CreditAdjustmentResponse,
} from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function adjustCredits(
  accountId: string,
  body: CreditAdjustmentRequest,
): Promise<CreditAdjustmentResponse> {
  return apiRequest(
    `/admin/accounts/${encodeURIComponent(accountId)}/credits/adjustments`,
    creditAdjustmentResponseSchema,
    { method: 'POST', body },
  );
}

/** An operator's correction to one account's credits; no query of this page shows balances. */
export function useAdjustCredits() {
  return useMutation({
    mutationFn: ({ accountId, body }: { accountId: string; body: CreditAdjustmentRequest }) =>
      adjustCredits(accountId, body),
  });
}
