import { queryOptions, useQuery } from '@tanstack/react-query';
import { upcomingInvoiceResponseSchema, type UpcomingInvoiceResponse } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export function getUpcomingInvoice(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<UpcomingInvoiceResponse> {
  return apiRequest(accountPath(accountId, '/billing/upcoming'), upcomingInvoiceResponseSchema, { signal });
}

export function upcomingInvoiceQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'billing', 'upcoming'] as const;
}

/** The next invoice as Stripe previews it now: the plan plus the overage reported so far. */
export function useUpcomingInvoice() {
  const { id } = useActiveAccount();
  return useQuery(
    queryOptions({
      queryKey: upcomingInvoiceQueryKey(id),
      queryFn: ({ signal }) => getUpcomingInvoice(id, { signal }),
    }),
  );
}
