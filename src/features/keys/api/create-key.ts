import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createKeyResponseSchema, type CreateKeyRequest, type CreateKeyResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';
import { keysQueryKey } from '@/lib/api/get-keys';
import { meQueryKey } from '@/lib/api/get-me';

export function createKey(body: CreateKeyRequest): Promise<CreateKeyResponse> {
  return apiRequest('/keys', createKeyResponseSchema, { method: 'POST', body });
}

/** Creates a key; the response is the only time its secret is ever available. */
export function useCreateKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createKey,
    // The key list and the account's active-key count and per-key usage change.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey }),
        queryClient.invalidateQueries({ queryKey: meQueryKey }),
      ]),
  });
}
