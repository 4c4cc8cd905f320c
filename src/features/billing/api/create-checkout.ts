import { useMutation } from '@tanstack/react-query';
import { redirectResponseSchema, type CheckoutRequest, type RedirectResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';

export function createCheckout(accountId: string | null, body: CheckoutRequest): Promise<RedirectResponse> {
  return apiRequest(accountPath(accountId, '/billing/checkout'), redirectResponseSchema, {
    method: 'POST',
    body,
  });
}

/**
 * Starts a Stripe Checkout session for a paid plan. Nothing is invalidated: the page is left for
 * Checkout, and the plan changes only when Stripe's webhook says so.
 */
export function useCreateCheckout() {
  const { id } = useActiveAccount();
  return useMutation({ mutationFn: (body: CheckoutRequest) => createCheckout(id, body) });
}
