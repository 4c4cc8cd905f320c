import { queryOptions, useQuery } from '@tanstack/react-query';
import { upcomingInvoiceResponseSchema, type UpcomingInvoiceResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getUpcomingInvoice({
  signal,
}: { signal?: AbortSignal } = {}): Promise<UpcomingInvoiceResponse> {
  return apiRequest('/billing/upcoming', upcomingInvoiceResponseSchema, { signal });
}

export const upcomingInvoiceQueryKey = ['billing', 'upcoming'] as const;

/** The next invoice as Stripe previews it now: the plan plus the overage reported so far. */
export function useUpcomingInvoice() {
  return useQuery(queryOptions({ queryKey: upcomingInvoiceQueryKey, queryFn: getUpcomingInvoice }));
}
