import { queryOptions, useQuery } from '@tanstack/react-query';
import { invitationPreviewSchema, type InvitationPreview } from '@shared/teams';
import { apiRequest } from '@/lib/api-client';

export function getInvitationPreview(
  token: string,
  { signal }: { signal?: AbortSignal } = {},
): Promise<InvitationPreview> {
  return apiRequest(`/invitations/${encodeURIComponent(token)}/preview`, invitationPreviewSchema, { signal });
}

export function invitationPreviewQueryKey(token: string) {
  return ['invitation', token] as const;
}

/** What an invitation offers: the team, the role and the address it was sent to. */
export function useInvitationPreview(token: string, { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery(
    queryOptions({
      queryKey: invitationPreviewQueryKey(token),
      queryFn: ({ signal }) => getInvitationPreview(token, { signal }),
      enabled,
    }),
  );
}
