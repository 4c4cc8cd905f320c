import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keyResponseSchema, type ApiKey } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { keysQueryKey } from '@/lib/api/get-keys';
import { meQueryKey } from '@/lib/api/get-me';

export async function revokeKey(id: string): Promise<ApiKey> {
  const { key } = await apiRequest(`/keys/${encodeURIComponent(id)}/revoke`, keyResponseSchema, {
    method: 'POST',
  });
  return key;
}

/** Revokes a key for good: from now on the API refuses it. */
export function useRevokeKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeKey,
    // The key's status, and the account's active keys and per-key usage.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey }),
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
      ]),
  });
}
