import { queryOptions, useQuery } from '@tanstack/react-query';
import { onboardingResponseSchema, type OnboardingResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

/** How often the checklist asks again while a step may tick (the route allows 90 a minute). */
export const ONBOARDING_POLL_MS = 2_000;
/** After ten minutes of asking (a page left open), it asks twice a minute: each ask costs reads. */
const SLOW_AFTER_POLLS = 300;
const SLOW_POLL_MS = 30_000;

/** Steps that tick from what happens elsewhere; "pick a plan" changes by this page's own PATCH. */
function waitsOnEvents(checklist: OnboardingResponse): boolean {
  return checklist.steps.some((step) => step.id !== 'pick_plan' && !step.done);
}

export function getOnboarding(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<OnboardingResponse> {
  return apiRequest(accountPath(accountId, '/onboarding'), onboardingResponseSchema, { signal });
}

export function onboardingQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'onboarding'] as const;
}

export function onboardingQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: onboardingQueryKey(accountId),
    queryFn: ({ signal }) => getOnboarding(accountId, { signal }),
  });
}

/**
 * The caller's first-run checklist in the active account. Its steps tick from what happens in
 * the account (a key, a call, the call counted), so while it is shown, not dismissed and one of
 * those is still to do, it is asked again every ONBOARDING_POLL_MS (only while the tab is
 * visible; more slowly once a page has been left open for long).
 */
export function useOnboarding({ enabled, poll }: { enabled: boolean; poll: boolean }) {
  const { id } = useActiveAccount();
  return useQuery({
    ...onboardingQueryOptions(id),
    enabled,
    // Fresh on every visit to Overview: the steps change on other pages and outside the dashboard.
    staleTime: 0,
    refetchInterval: (query) => {
      const checklist = query.state.data;
      if (!poll || checklist === undefined || checklist.dismissed || !waitsOnEvents(checklist)) return false;
      return query.state.dataUpdateCount > SLOW_AFTER_POLLS ? SLOW_POLL_MS : ONBOARDING_POLL_MS;
    },
  });
}
