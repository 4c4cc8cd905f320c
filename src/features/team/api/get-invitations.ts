import { queryOptions, useQuery } from '@tanstack/react-query';
import { invitationsResponseSchema, type Invitation } from '@shared/teams';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export async function getInvitations(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<Invitation[]> {
  const { invitations } = await apiRequest(
    accountPath(accountId, '/invitations'),
    invitationsResponseSchema,
    {
      signal,
    },
  );
  return invitations;
}

export function invitationsQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'invitations'] as const;
}

/** The team's pending invitations (those who manage members see them). */
export function useInvitations({ enabled = true }: { enabled?: boolean } = {}) {
  const { id } = useActiveAccount();
  return useQuery(
    queryOptions({
      queryKey: invitationsQueryKey(id),
      queryFn: ({ signal }) => getInvitations(id, { signal }),
      enabled,
    }),
  );
}
