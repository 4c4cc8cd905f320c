import { useMutation, useQueryClient } from '@tanstack/react-query';
import { teamResponseSchema, type CreateTeamRequest, type TeamResponse } from '@shared/teams';
import { apiRequest } from '@/lib/api-client';
import { accountsQueryKey, type AccountListEntry } from '@/lib/api/get-accounts';

export function createTeam(body: CreateTeamRequest): Promise<TeamResponse> {
  return apiRequest('/teams', teamResponseSchema, { method: 'POST', body });
}

/** Creates a team whose owner is the caller; it joins the account list at once, so its URL resolves. */
export function useCreateTeam() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTeam,
    onSuccess: async ({ account }) => {
      const entry: AccountListEntry = {
        id: account.id,
        kind: account.kind,
        name: account.name,
        role: account.role,
        plan_tier: account.plan_tier,
        slug: account.slug,
      };
      queryClient.setQueryData<AccountListEntry[]>(accountsQueryKey, (current) =>
        current ? [...current.filter((known) => known.id !== entry.id), entry] : [entry],
      );
      await queryClient.invalidateQueries({ queryKey: accountsQueryKey });
    },
  });
}
