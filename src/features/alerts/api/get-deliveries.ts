import { queryOptions, useQuery } from '@tanstack/react-query';
import { webhookDeliveriesResponseSchema, type WebhookDelivery } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export async function getDeliveries({ signal }: { signal?: AbortSignal } = {}): Promise<WebhookDelivery[]> {
  const { deliveries } = await apiRequest('/alerts/deliveries', webhookDeliveriesResponseSchema, { signal });
  return deliveries;
}

export const deliveriesQueryKey = ['alerts', 'deliveries'] as const;

export function deliveriesQueryOptions() {
  return queryOptions({ queryKey: deliveriesQueryKey, queryFn: getDeliveries });
}

/** The latest webhook deliveries with their attempts, newest first. */
export function useDeliveries() {
  return useQuery(deliveriesQueryOptions());
}
