import { queryOptions, useQuery } from '@tanstack/react-query';
import { invoicesResponseSchema, type InvoicesResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getInvoices({ signal }: { signal?: AbortSignal } = {}): Promise<InvoicesResponse> {
  return apiRequest('/billing/invoices', invoicesResponseSchema, { signal });
}

export const invoicesQueryKey = ['billing', 'invoices'] as const;

/** The account's invoices, newest first. */
export function useInvoices() {
  return useQuery(queryOptions({ queryKey: invoicesQueryKey, queryFn: getInvoices }));
}
