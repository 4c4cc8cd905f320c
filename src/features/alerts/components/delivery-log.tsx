import { History } from 'lucide-react';
import type { WebhookAttempt, WebhookDelivery } from '@shared/contracts';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { useDeliveries } from '@/features/alerts/api/get-deliveries';

const STATUS: Record<WebhookDelivery['status'], { label: string; tone: BadgeTone }> = {
  delivered: { label: 'Delivered', tone: 'success' },
  pending: { label: 'Retrying', tone: 'warning' },
  failed: { label: 'Failed', tone: 'danger' },
};

function attemptText(attempt: WebhookAttempt): string {
  const outcome =
    attempt.status_code === null ? (attempt.error ?? 'no answer') : `HTTP ${attempt.status_code}`;
  return `${outcome} · ${Math.round(attempt.duration_ms)} ms`;
}

/** Every webhook event of late, and what each attempt to deliver it got back. */
export function DeliveryLog() {
  const deliveries = useDeliveries();
  let content;
  if (deliveries.isPending)
    content = (
      <LoadingRegion label="Loading webhook deliveries" className="space-y-3 px-5 py-5 sm:px-6">
        {[0, 1].map((row) => (
          <Skeleton key={row} className="h-10 w-full" />
        ))}
      </LoadingRegion>
    );
  else if (deliveries.isError)
    content = (
      <ErrorState
        title="Couldn't load the delivery log"
        error={deliveries.error}
        onRetry={() => void deliveries.refetch()}
        retrying={deliveries.isFetching}
      />
    );
  else if (deliveries.data.length === 0)
    content = (
      <EmptyState
        icon={History}
        title="No webhook events yet"
        description="Alerts and test events sent to your webhook appear here with every attempt."
      />
    );
  else
    content = (
      <Table label="Webhook deliveries">
        <THead>
          <TR>
            <TH>Event</TH>
            <TH>Created</TH>
            <TH>Status</TH>
            <TH>Attempts</TH>
          </TR>
        </THead>
        <TBody>
          {deliveries.data.map((delivery) => (
            <TR key={delivery.id}>
              <TD>
                <span className="font-mono text-[13px] text-zinc-900">{delivery.type}</span>
                <span className="block font-mono text-xs text-zinc-400">{delivery.id}</span>
              </TD>
              <TD className="whitespace-nowrap">{formatDateTime(delivery.created_at)}</TD>
              <TD>
                <Badge tone={STATUS[delivery.status].tone}>{STATUS[delivery.status].label}</Badge>
                {delivery.next_attempt_at && (
                  <span className="block text-xs text-zinc-500">
                    next {formatDateTime(delivery.next_attempt_at)}
                  </span>
                )}
              </TD>
              <TD>
                <ol className="space-y-0.5 text-xs">
                  {delivery.attempts.map((attempt) => (
                    <li key={attempt.at} className="whitespace-nowrap">
                      <time dateTime={attempt.at} className="text-zinc-500">
                        {formatDateTime(attempt.at)}
                      </time>{' '}
                      {attemptText(attempt)}
                    </li>
                  ))}
                </ol>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
    );
  return (
    <Card aria-labelledby="deliveries-title">
      <CardHeader titleId="deliveries-title" title="Delivery log" className="pb-5" />
      <div className="border-t border-zinc-200">{content}</div>
    </Card>
  );
}
