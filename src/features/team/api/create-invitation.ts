import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  createInvitationResponseSchema,
  type CreateInvitationRequest,
  type CreateInvitationResponse,
} from '@shared/teams';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { membersQueryKey } from '@/lib/api/get-members';
import { invitationsQueryKey } from '@/features/team/api/get-invitations';

/** The answer is the only time the invitation's link (its token) is ever available. */
export function createInvitation(
  accountId: string | null,
  body: CreateInvitationRequest,
): Promise<CreateInvitationResponse> {
  return apiRequest(accountPath(accountId, '/invitations'), createInvitationResponseSchema, {
    method: 'POST',
    body,
  });
}

/** Invites someone by email; a pending invitation holds a seat, so the seats change too. */
export function useCreateInvitation() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: CreateInvitationRequest) => createInvitation(id, body),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: invitationsQueryKey(id) }),
        queryClient.invalidateQueries({ queryKey: membersQueryKey(id) }),
      ]),
  });
}
