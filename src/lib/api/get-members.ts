import { queryOptions, useQuery } from '@tanstack/react-query';
import { membersResponseSchema, type MembersResponse } from '@shared/teams';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getMembers(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<MembersResponse> {
  return apiRequest(accountPath(accountId, '/members'), membersResponseSchema, { signal });
}

export function membersQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'members'] as const;
}

export function membersQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: membersQueryKey(accountId),
    queryFn: ({ signal }) => getMembers(accountId, { signal }),
  });
}

/** The active team's members with their roles, and its seats (Team, Usage by member). */
export function useMembers({ enabled = true }: { enabled?: boolean } = {}) {
  const { id } = useActiveAccount();
  return useQuery({ ...membersQueryOptions(id), enabled });
}
