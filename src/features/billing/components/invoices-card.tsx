import { ExternalLink, FileText } from 'lucide-react';
import type { InvoiceStatus } from '@shared/contracts';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatDate } from '@/lib/format';
import { useInvoices } from '@/features/billing/api/get-invoices';
import { formatMoney } from '@/features/billing/money';

const STATUS_LOOK: Record<InvoiceStatus, { tone: BadgeTone; label: string }> = {
  draft: { tone: 'neutral', label: 'Draft' },
  open: { tone: 'warning', label: 'Due' },
  paid: { tone: 'success', label: 'Paid' },
  uncollectible: { tone: 'danger', label: 'Uncollectible' },
  void: { tone: 'neutral', label: 'Void' },
};

/** The account's invoices from Stripe, each with a link to its hosted page (view, pay, download). */
export function InvoicesCard() {
  const invoices = useInvoices();
  return (
    <Card aria-labelledby="invoices-title">
      <CardHeader titleId="invoices-title" title="Invoices" description="Billed by Stripe" className="pb-5" />
      <div className="border-t border-zinc-200">
        {invoices.isPending ? (
          <LoadingRegion label="Loading invoices" className="space-y-3 px-6 py-5">
            {[0, 1, 2].map((row) => (
              <Skeleton key={row} className="h-8 w-full" />
            ))}
          </LoadingRegion>
        ) : invoices.isError ? (
          <ErrorState
            title="Couldn't load your invoices"
            error={invoices.error}
            onRetry={() => void invoices.refetch()}
            retrying={invoices.isFetching}
          />
        ) : invoices.data.invoices.length === 0 ? (
          <EmptyState
            icon={FileText}
            title="No invoices yet"
            description="Invoices appear here once you subscribe to a paid plan."
          />
        ) : (
          <Table label="Invoices">
            <THead>
              <TR>
                <TH>Number</TH>
                <TH>Date</TH>
                <TH className="text-right">Amount</TH>
                <TH>Status</TH>
                <TH>
                  <span className="sr-only">Invoice page</span>
                </TH>
              </TR>
            </THead>
            <TBody>
              {invoices.data.invoices.map((invoice) => {
                const look = STATUS_LOOK[invoice.status];
                return (
                  <TR key={invoice.id}>
                    <TD className="font-mono text-xs">{invoice.number ?? '—'}</TD>
                    <TD className="whitespace-nowrap">{formatDate(invoice.created)}</TD>
                    <TD className="text-right font-medium tabular-nums">
                      {formatMoney(invoice.total, invoice.currency)}
                    </TD>
                    <TD>
                      <Badge tone={look.tone}>{look.label}</Badge>
                    </TD>
                    <TD className="text-right">
                      {invoice.hosted_invoice_url && (
                        <a
                          href={invoice.hosted_invoice_url}
                          target="_blank"
                          rel="noreferrer"
                          aria-label={`View invoice ${invoice.number ?? invoice.id}`}
                          className="inline-flex items-center gap-1 text-sm font-medium text-brand-700 hover:underline"
                        >
                          View
                          <ExternalLink className="size-3.5" aria-hidden />
                        </a>
                      )}
                    </TD>
                  </TR>
                );
              })}
            </TBody>
          </Table>
        )}
      </div>
    </Card>
  );
}
