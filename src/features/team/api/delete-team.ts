import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiSend } from '@/lib/api-client';
import { accountsQueryKey } from '@/lib/api/get-accounts';

export function deleteTeam(accountId: string): Promise<void> {
  return apiSend(`/accounts/${encodeURIComponent(accountId)}`, { method: 'DELETE' });
}

/**
 * Deletes a team (its keys revoked, its subscription cancelled, its data erased): it leaves the
 * caller's list of accounts. Not awaited, so the page can leave the team's URL first.
 */
export function useDeleteTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteTeam,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: accountsQueryKey });
    },
  });
}
