import { useMutation, useQueryClient } from '@tanstack/react-query';
import { keyResponseSchema, type ApiKey, type UpdateKeyRequest } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { keysQueryKey } from '@/lib/api/get-keys';
import { summaryQueryKey } from '@/lib/api/get-summary';

export async function updateKey(
  accountId: string | null,
  { id, body }: { id: string; body: UpdateKeyRequest },
): Promise<ApiKey> {
  const { key } = await apiRequest(
    accountPath(accountId, `/keys/${encodeURIComponent(id)}`),
    keyResponseSchema,
    {
      method: 'PATCH',
      body,
    },
  );
  return key;
}

/** Renames a key, replaces or clears its metadata, or sets or clears its caps (`null` removes one). */
export function useUpdateKey() {
  const queryClient = useQueryClient();
  const { id: accountId } = useActiveAccount();
  return useMutation({
    mutationFn: (input: { id: string; body: UpdateKeyRequest }) => updateKey(accountId, input),
    // Labels, metadata and caps show in the key list; labels and caps in the summary's per-key usage.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey(accountId) }),
        queryClient.invalidateQueries({ queryKey: summaryQueryKey(accountId) }),
      ]),
  });
}
