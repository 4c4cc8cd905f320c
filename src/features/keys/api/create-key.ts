import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createKeyResponseSchema, type CreateKeyRequest, type CreateKeyResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { keysQueryKey } from '@/lib/api/get-keys';
import { summaryQueryKey } from '@/lib/api/get-summary';

export function createKey(accountId: string | null, body: CreateKeyRequest): Promise<CreateKeyResponse> {
  return apiRequest(accountPath(accountId, '/keys'), createKeyResponseSchema, { method: 'POST', body });
}

/** Creates a key in the active account; the response is the only time its secret is ever available. */
export function useCreateKey() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: CreateKeyRequest) => createKey(id, body),
    // The key list and the account's active-key count and per-key usage change.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey(id) }),
        queryClient.invalidateQueries({ queryKey: summaryQueryKey(id) }),
      ]),
  });
}
