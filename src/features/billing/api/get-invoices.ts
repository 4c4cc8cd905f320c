import { queryOptions, useQuery } from '@tanstack/react-query';
import { invoicesResponseSchema, type InvoicesResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getInvoices(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<InvoicesResponse> {
  return apiRequest(accountPath(accountId, '/billing/invoices'), invoicesResponseSchema, { signal });
}

export function invoicesQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'billing', 'invoices'] as const;
}

/** The account's invoices, newest first. */
export function useInvoices() {
  const { id } = useActiveAccount();
  return useQuery(
    queryOptions({ queryKey: invoicesQueryKey(id), queryFn: ({ signal }) => getInvoices(id, { signal }) }),
  );
}
