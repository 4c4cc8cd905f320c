import { ListChecks } from 'lucide-react';
import { StatusCodeBadge } from '@/components/status-code-badge';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useRecentUsage } from '@/lib/api/get-recent-usage';
import { formatDateTime, formatLatency, formatRelative } from '@/lib/format';

/** The selected key's latest calls; with "All keys" selected it asks for a key instead. */
export function RecentRequests({ keyId, keyLabel }: { keyId: string | null; keyLabel: string | null }) {
  const recent = useRecentUsage(keyId);

  return (
    <Card aria-labelledby="recent-requests-title">
      <CardHeader
        titleId="recent-requests-title"
        title="Recent requests"
        description={
          keyLabel ? `The latest calls made with “${keyLabel}”` : 'The latest calls made with one key'
        }
        className="pb-5"
      />
      <div className="border-t border-zinc-200">
        {keyId === null ? (
          <EmptyState
            icon={ListChecks}
            title="Choose a key to see its requests"
            description="Pick a key in the Key menu above to list its latest calls with status and latency."
          />
        ) : recent.isPending ? (
          <LoadingRegion label="Loading recent requests" className="space-y-3 px-5 py-5 sm:px-6">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} className="h-8 w-full" />
            ))}
          </LoadingRegion>
        ) : recent.isError ? (
          <ErrorState
            error={recent.error}
            onRetry={() => void recent.refetch()}
            retrying={recent.isFetching}
          />
        ) : recent.data.length === 0 ? (
          <EmptyState
            icon={ListChecks}
            title="No calls with this key yet"
            description="Call the API with this key and each request appears here within moments."
          />
        ) : (
          <Table label="Recent requests">
            <THead>
              <TR>
                <TH>Status</TH>
                <TH>Request</TH>
                <TH className="text-right">Latency</TH>
                <TH className="text-right">When</TH>
              </TR>
            </THead>
            <TBody>
              {recent.data.map((event, index) => (
                <TR key={`${event.at}-${index}`}>
                  <TD>
                    <StatusCodeBadge status={event.status} />
                  </TD>
                  <TD className="font-mono text-[13px] whitespace-nowrap">
                    <span className="text-zinc-500">{event.method}</span> {event.endpoint}
                  </TD>
                  <TD className="text-right whitespace-nowrap tabular-nums">
                    {formatLatency(event.latency_ms)}
                  </TD>
                  <TD className="text-right whitespace-nowrap text-zinc-500">
                    <time dateTime={event.at} title={formatDateTime(event.at)}>
                      {formatRelative(event.at)}
                    </time>
                  </TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </div>
    </Card>
  );
}
