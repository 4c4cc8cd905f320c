import { useMutation } from '@tanstack/react-query';
import {
  redirectResponseSchema,
  type CreditsCheckoutRequest,
  type RedirectResponse,
} from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function createCreditsCheckout(body: CreditsCheckoutRequest): Promise<RedirectResponse> {
  return apiRequest('/billing/credits/checkout', redirectResponseSchema, { method: 'POST', body });
}

/**
 * Starts Checkout for a credit pack. Nothing is invalidated: the page is left for Checkout, and
 * the credits arrive when Stripe's webhook says the payment went through.
 */
export function useCreateCreditsCheckout() {
  return useMutation({ mutationFn: createCreditsCheckout });
}
