import { queryOptions, useQuery } from '@tanstack/react-query';
import { webhookDeliveriesResponseSchema, type WebhookDelivery } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { alertsQueryKey } from '@/features/alerts/api/get-alerts';

export async function getDeliveries(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<WebhookDelivery[]> {
  const { deliveries } = await apiRequest(
    accountPath(accountId, '/alerts/deliveries'),
    webhookDeliveriesResponseSchema,
    { signal },
  );
  return deliveries;
}

export function deliveriesQueryKey(accountId: string | null) {
  return [...alertsQueryKey(accountId), 'deliveries'] as const;
}

export function deliveriesQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: deliveriesQueryKey(accountId),
    queryFn: ({ signal }) => getDeliveries(accountId, { signal }),
  });
}

/** The latest webhook deliveries with their attempts, newest first. */
export function useDeliveries() {
  const { id } = useActiveAccount();
  return useQuery(deliveriesQueryOptions(id));
}
