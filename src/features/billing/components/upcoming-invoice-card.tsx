import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatDate, formatNumber } from '@/lib/format';
import { useUpcomingInvoice } from '@/features/billing/api/get-upcoming-invoice';
import { formatMoney } from '@/features/billing/money';

/**
 * The next invoice as Stripe previews it now: the plan's next period and the overage of this
 * one reported so far (Keymeter reports each day's overage every hour).
 */
export function UpcomingInvoiceCard() {
  const upcoming = useUpcomingInvoice();
  return (
    <Card aria-labelledby="upcoming-title">
      <CardHeader
        titleId="upcoming-title"
        title="Upcoming invoice"
        description="The plan’s next month, and overage reported so far (updated hourly)"
      />
      <CardContent>
        {upcoming.isPending ? (
          <LoadingRegion label="Loading the upcoming invoice">
            <Skeleton className="h-24 w-full" />
          </LoadingRegion>
        ) : upcoming.isError ? (
          <ErrorState
            title="Couldn't load the upcoming invoice"
            error={upcoming.error}
            onRetry={() => void upcoming.refetch()}
            retrying={upcoming.isFetching}
          />
        ) : upcoming.data.upcoming === null ? (
          <p className="text-sm text-zinc-500">Nothing more will be billed.</p>
        ) : (
          <div className="space-y-4">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <p className="text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums">
                {formatMoney(upcoming.data.upcoming.total, upcoming.data.upcoming.currency)}
              </p>
              <p className="text-sm text-zinc-500">
                {upcoming.data.upcoming.next_payment_attempt
                  ? `Charged on ${formatDate(upcoming.data.upcoming.next_payment_attempt)}`
                  : `For the period ending ${formatDate(upcoming.data.upcoming.period_end)}`}
              </p>
            </div>
            <Table label="Upcoming invoice lines">
              <THead>
                <TR>
                  <TH>Item</TH>
                  <TH className="text-right">Quantity</TH>
                  <TH className="text-right">Amount</TH>
                </TR>
              </THead>
              <TBody>
                {upcoming.data.upcoming.lines.map((line, index) => (
                  <TR key={`${line.kind}-${index}`}>
                    <TD>
                      {line.kind === 'overage' ? 'Overage units' : line.description}
                      {line.kind === 'overage' && (
                        <span className="block text-xs text-zinc-500">{line.description}</span>
                      )}
                    </TD>
                    <TD className="text-right tabular-nums">
                      {line.quantity === null ? '—' : formatNumber(line.quantity)}
                    </TD>
                    <TD className="text-right font-medium tabular-nums">
                      {formatMoney(line.amount, upcoming.data.upcoming?.currency)}
                    </TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
