import { useMutation, useQueryClient } from '@tanstack/react-query';
import { membersResponseSchema, type MembersResponse } from '@shared/teams';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { accountsQueryKey } from '@/lib/api/get-accounts';
import { membersQueryKey } from '@/lib/api/get-members';
import { summaryQueryKey } from '@/lib/api/get-summary';

export function transferOwnership(accountId: string | null, uid: string): Promise<MembersResponse> {
  return apiRequest(accountPath(accountId, '/transfer'), membersResponseSchema, {
    method: 'POST',
    body: { uid },
  });
}

/**
 * Makes another member the owner; the caller becomes an admin, so its role in the account list
 * and the account's summary change with the members.
 */
export function useTransferOwnership() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (uid: string) => transferOwnership(id, uid),
    onSuccess: (members) => {
      queryClient.setQueryData(membersQueryKey(id), members);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: accountsQueryKey }),
        queryClient.invalidateQueries({ queryKey: summaryQueryKey(id) }),
      ]);
    },
  });
}
