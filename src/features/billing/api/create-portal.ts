import { useMutation } from '@tanstack/react-query';
import { redirectResponseSchema, type RedirectResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function createPortal(): Promise<RedirectResponse> {
  return apiRequest('/billing/portal', redirectResponseSchema, { method: 'POST' });
}

/** Opens the Stripe Customer Portal; changes made there arrive by webhook, so nothing is invalidated. */
export function useCreatePortal() {
  return useMutation({ mutationFn: createPortal });
}
