import { useMutation, useQueryClient } from '@tanstack/react-query';
import { acceptInvitationResponseSchema, type AcceptInvitationResponse } from '@shared/teams';
import { apiRequest } from '@/lib/api-client';
import { accountsQueryKey } from '@/lib/api/get-accounts';
import { invitationPreviewQueryKey } from '@/features/team/api/get-invitation-preview';

export function acceptInvitation(token: string): Promise<AcceptInvitationResponse> {
  return apiRequest(`/invitations/${encodeURIComponent(token)}/accept`, acceptInvitationResponseSchema, {
    method: 'POST',
  });
}

/** Joins the team: it joins the caller's accounts (awaited, so its URL resolves next). */
export function useAcceptInvitation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: acceptInvitation,
    onSuccess: async (_joined, token) => {
      await queryClient.invalidateQueries({ queryKey: accountsQueryKey });
      queryClient.removeQueries({ queryKey: invitationPreviewQueryKey(token) });
    },
  });
}
