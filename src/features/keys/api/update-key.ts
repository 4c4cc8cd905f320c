import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keyResponseSchema, type ApiKey, type UpdateKeyRequest } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { keysQueryKey } from '@/lib/api/get-keys';
import { meQueryKey } from '@/lib/api/get-me';

export async function updateKey({ id, body }: { id: string; body: UpdateKeyRequest }): Promise<ApiKey> {
  const { key } = await apiRequest(`/keys/${encodeURIComponent(id)}`, keyResponseSchema, {
    method: 'PATCH',
    body,
  });
  return key;
}

/** Renames a key, or sets or clears its caps (`null` removes one). */
export function useUpdateKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateKey,
    // Labels and caps show in the key list and in /me's per-key usage.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey }),
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
      ]),
  });
}
