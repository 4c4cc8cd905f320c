import { useMutation, useQueryClient } from '@tanstack/react-query';
import { rollKeyResponseSchema, type RollKeyRequest, type RollKeyResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { keysQueryKey } from '@/lib/api/get-keys';
import { summaryQueryKey } from '@/lib/api/get-summary';

export function rollKey(
  accountId: string | null,
  { id, body }: { id: string; body: RollKeyRequest },
): Promise<RollKeyResponse> {
  return apiRequest(accountPath(accountId, `/keys/${encodeURIComponent(id)}/roll`), rollKeyResponseSchema, {
    method: 'POST',
    body,
  });
}

/**
 * Replaces a key with a new one (same label, scopes and limits); the old key keeps working for
 * the grace period so callers can switch over.
 */
export function useRollKey() {
  const queryClient = useQueryClient();
  const { id: accountId } = useActiveAccount();
  return useMutation({
    mutationFn: (input: { id: string; body: RollKeyRequest }) => rollKey(accountId, input),
    // A new key joins the list and the summary's per-key usage; the old one gets an expiry.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keysQueryKey(accountId) }),
        queryClient.invalidateQueries({ queryKey: summaryQueryKey(accountId) }),
      ]),
  });
}
