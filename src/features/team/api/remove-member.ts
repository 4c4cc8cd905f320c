import { useMutation, useQueryClient } from '@tanstack/react-query';
import { accountPath, apiSend } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { accountsQueryKey } from '@/lib/api/get-accounts';
import { membersQueryKey } from '@/lib/api/get-members';

export function removeMember(accountId: string | null, uid: string): Promise<void> {
  return apiSend(accountPath(accountId, `/members/${encodeURIComponent(uid)}`), { method: 'DELETE' });
}

/** Removes a member; the list and the seats change. */
export function useRemoveMember() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (uid: string) => removeMember(id, uid),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey(id) }),
  });
}

/**
 * Leaves the team (DELETE of one's own membership): the caller's list of accounts changes. Not
 * awaited, so the page can leave the team's URL before the list no longer names it.
 */
export function useLeaveTeam() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (uid: string) => removeMember(id, uid),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: accountsQueryKey });
    },
  });
}
