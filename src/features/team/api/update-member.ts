import { useMutation, useQueryClient } from '@tanstack/react-query';
import { memberResponseSchema, type Member, type UpdateMemberRequest } from '@shared/teams';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { membersQueryKey } from '@/lib/api/get-members';

export async function updateMember(
  accountId: string | null,
  { uid, body }: { uid: string; body: UpdateMemberRequest },
): Promise<Member> {
  const { member } = await apiRequest(
    accountPath(accountId, `/members/${encodeURIComponent(uid)}`),
    memberResponseSchema,
    { method: 'PATCH', body },
  );
  return member;
}

/** Gives a member another role (not the owner's: that moves by a transfer). */
export function useUpdateMember() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (input: { uid: string; body: UpdateMemberRequest }) => updateMember(id, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryKey(id) }),
  });
}
