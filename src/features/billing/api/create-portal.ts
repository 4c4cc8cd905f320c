import { useMutation } from '@tanstack/react-query';
import { redirectResponseSchema, type RedirectResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';

export function createPortal(accountId: string | null): Promise<RedirectResponse> {
  return apiRequest(accountPath(accountId, '/billing/portal'), redirectResponseSchema, { method: 'POST' });
}

/** Opens the Stripe Customer Portal; changes made there arrive by webhook, so nothing is invalidated. */
export function useCreatePortal() {
  const { id } = useActiveAccount();
  return useMutation({ mutationFn: () => createPortal(id) });
}
