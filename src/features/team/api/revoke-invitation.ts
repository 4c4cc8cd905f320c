import { useMutation, useQueryClient } from '@tanstack/react-query';
import { accountPath, apiSend } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { membersQueryKey } from '@/lib/api/get-members';
import { invitationsQueryKey } from '@/features/team/api/get-invitations';

export function revokeInvitation(accountId: string | null, invitationId: string): Promise<void> {
  return apiSend(accountPath(accountId, `/invitations/${encodeURIComponent(invitationId)}`), {
    method: 'DELETE',
  });
}

/** Revokes a pending invitation: its link stops working and its seat is free again. */
export function useRevokeInvitation() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (invitationId: string) => revokeInvitation(id, invitationId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: invitationsQueryKey(id) }),
        queryClient.invalidateQueries({ queryKey: membersQueryKey(id) }),
      ]),
  });
}
