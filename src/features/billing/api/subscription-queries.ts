import type { QueryClient } from '@tanstack/react-query';
import { summaryQueryKey } from '@/lib/api/get-summary';
import { invoicesQueryKey } from '@/features/billing/api/get-invoices';
import { upcomingInvoiceQueryKey } from '@/features/billing/api/get-upcoming-invoice';

/** A subscription change moves the account's plan (its summary) and what the next invoice says. */
export function invalidateSubscription(queryClient: QueryClient, accountId: string | null) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: summaryQueryKey(accountId) }),
    queryClient.invalidateQueries({ queryKey: upcomingInvoiceQueryKey(accountId) }),
    queryClient.invalidateQueries({ queryKey: invoicesQueryKey(accountId) }),
  ]);
}
