import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  onboardingResponseSchema,
  type OnboardingResponse,
  type UpdateOnboardingRequest,
} from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { onboardingQueryKey } from '@/features/overview/api/get-onboarding';

export function updateOnboarding(
  accountId: string | null,
  body: UpdateOnboardingRequest,
): Promise<OnboardingResponse> {
  return apiRequest(accountPath(accountId, '/onboarding'), onboardingResponseSchema, {
    method: 'PATCH',
    body,
  });
}

/** Dismisses the checklist, or ticks "pick a plan" by staying on Free: the caller's own choices. */
export function useUpdateOnboarding() {
  const queryClient = useQueryClient();
  const { id } = useActiveAccount();
  return useMutation({
    mutationFn: (body: UpdateOnboardingRequest) => updateOnboarding(id, body),
    // A poll answered before the change must not land after it.
    onMutate: () => queryClient.cancelQueries({ queryKey: onboardingQueryKey(id) }),
    // The answer is the whole checklist as it now stands: nothing else changes.
    onSuccess: (checklist) => queryClient.setQueryData(onboardingQueryKey(id), checklist),
  });
}
