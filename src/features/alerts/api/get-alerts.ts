import { queryOptions, useQuery } from '@tanstack/react-query';
import { alertsResponseSchema, type AlertsResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getAlerts({ signal }: { signal?: AbortSignal } = {}): Promise<AlertsResponse> {
  return apiRequest('/alerts', alertsResponseSchema, { signal });
}

export const alertsQueryKey = ['alerts'] as const;

export function alertsQueryOptions() {
  return queryOptions({ queryKey: alertsQueryKey, queryFn: getAlerts });
}

/** The account's alert settings (never the webhook's secret) and its latest alerts. */
export function useAlerts() {
  return useQuery(alertsQueryOptions());
}
