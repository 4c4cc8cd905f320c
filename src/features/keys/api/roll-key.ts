import { useMutation, useQueryClient } from '@tanstack/react-query';
import { rollKeyResponseSchema, type RollKeyRequest, type RollKeyResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { keysQueryKey } from '@/lib/api/get-keys';
import { meQueryKey } from '@/lib/api/get-me';

export function rollKey({ id, body }: { id: string; body: RollKeyRequest }): Promise<RollKeyResponse> {
  return apiRequest(`/keys/${encodeURIComponent(id)}/roll`, rollKeyResponseSchema, { method: 'POST', body });
}

/**
 * Replaces a key with a new one (same label, scopes and limits); the old key keeps working for
 * the grace period so callers can switch over.
 */
export function useRollKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rollKey,
    // A new key joins the list and /me's per-key usage; the old one gets an expiry.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey }),
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
      ]),
  });
}
