import { useMutation } from '@tanstack/react-query';
import { redirectResponseSchema, type CheckoutRequest, type RedirectResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function createCheckout(body: CheckoutRequest): Promise<RedirectResponse> {
  return apiRequest('/billing/checkout', redirectResponseSchema, { method: 'POST', body });
}

/**
 * Starts a Stripe Checkout session for a paid plan. Nothing is invalidated: the page is left for
 * Checkout, and the plan changes only when Stripe's webhook says so.
 */
export function useCreateCheckout() {
  return useMutation({ mutationFn: createCheckout });
}
