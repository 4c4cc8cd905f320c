import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keyResponseSchema, type ApiKey } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { keysQueryKey } from '@/lib/api/get-keys';
import { summaryQueryKey } from '@/lib/api/get-summary';

export async function revokeKey(accountId: string | null, id: string): Promise<ApiKey> {
  const { key } = await apiRequest(
    accountPath(accountId, `/keys/${encodeURIComponent(id)}/revoke`),
    keyResponseSchema,
    { method: 'POST' },
  );
  return key;
}

/** Revokes a key for good: from now on the API refuses it. */
export function useRevokeKey() {
  const queryClient = useQueryClient();
  const { id: accountId } = useActiveAccount();
  return useMutation({
    mutationFn: (id: string) => revokeKey(accountId, id),
    // The key's status, and the account's active keys and per-key usage.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey(accountId) }),
        queryClient.invalidateQueries({ queryKey: summaryQueryKey(accountId) }),
      ]),
  });
}
