import { queryOptions, useQuery } from '@tanstack/react-query';
import { alertsResponseSchema, type AlertsResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getAlerts(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<AlertsResponse> {
  return apiRequest(accountPath(accountId, '/alerts'), alertsResponseSchema, { signal });
}

/** Also the root of the deliveries' key: a change to the webhook refreshes its log too. */
export function alertsQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'alerts'] as const;
}

export function alertsQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: alertsQueryKey(accountId),
    queryFn: ({ signal }) => getAlerts(accountId, { signal }),
  });
}

/** The account's alert settings (never the webhook's secret) and its latest alerts. */
export function useAlerts() {
  const { id } = useActiveAccount();
  return useQuery(alertsQueryOptions(id));
}
