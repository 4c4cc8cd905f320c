import { useMutation } from '@tanstack/react-query';
import {
  redirectResponseSchema,
  type CreditsCheckoutRequest,
  type RedirectResponse,
} from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';

export function createCreditsCheckout(
  accountId: string | null,
  body: CreditsCheckoutRequest,
): Promise<RedirectResponse> {
  return apiRequest(accountPath(accountId, '/billing/credits/checkout'), redirectResponseSchema, {
    method: 'POST',
    body,
  });
}

/**
 * Starts Checkout for a credit pack. Nothing is invalidated: the page is left for Checkout, and
 * the credits arrive when Stripe's webhook says the payment went through.
 */
export function useCreateCreditsCheckout() {
  const { id } = useActiveAccount();
  return useMutation({ mutationFn: (body: CreditsCheckoutRequest) => createCreditsCheckout(id, body) });
}
