import type { QueryClient } from '@tanstack/react-query';
import { meQueryKey } from '@/lib/api/get-me';
import { invoicesQueryKey } from '@/features/billing/api/get-invoices';
import { upcomingInvoiceQueryKey } from '@/features/billing/api/get-upcoming-invoice';

/** A subscription change moves the plan (on /me) and what the next invoice says. */
export function invalidateSubscription(queryClient: QueryClient) {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: meQueryKey }),
    queryClient.invalidateQueries({ queryKey: upcomingInvoiceQueryKey }),
    queryClient.invalidateQueries({ queryKey: invoicesQueryKey }),
  ]);
}
