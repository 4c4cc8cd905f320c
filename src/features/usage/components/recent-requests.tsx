import { ListChecks } from 'lucide-react';
import { useState } from 'react';
import { NO_INTEGRATION, RECENT_USAGE_LIMIT, type ApiKey, type IntegrationGroup } from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { StatusCodeBadge } from '@/components/status-code-badge';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useRecentUsage } from '@/lib/api/get-recent-usage';
import { formatDateTime, formatLatency, formatNumber, formatRelative, requestParts } from '@/lib/format';
import { integrationKeysLabel } from '@/lib/integrations';

/** Rows shown before "Show all": the newest calls are what people look for. */
const ROWS_SHOWN = 10;

/**
 * The latest calls: the selected key's, or with "All keys" the account's across keys (then each
 * row names its key), of the chosen integration's keys only when one is chosen (picked out of
 * the account's latest calls here: the API lists them by key). On phones, key, latency and time
 * move under the request.
 */
export function RecentRequests({
  keyId,
  integration = null,
  keys,
}: {
  keyId: string | null;
  integration?: IntegrationGroup | null;
  keys: ApiKey[];
}) {
  const recent = useRecentUsage(keyId);
  const [showAll, setShowAll] = useState(false);
  const labels = new Map(keys.map((key) => [key.id, key.label]));
  const keyLabel = keyId === null ? null : (labels.get(keyId) ?? null);
  const groups = new Map(keys.map((key) => [key.id, key.integration ?? NO_INTEGRATION]));
  const events =
    integration === null
      ? recent.data
      : recent.data?.filter((event) => groups.get(event.key_id) === integration);
  const keysName =
    integration === null
      ? null
      : integration === NO_INTEGRATION
        ? 'keys without an integration'
        : integrationKeysLabel(integration);

  return (
    <Card aria-labelledby="recent-requests-title">
      <CardHeader
        titleId="recent-requests-title"
        title="Recent requests"
        description={
          keyId !== null
            ? `The latest calls made with ${keyLabel ? `“${keyLabel}”` : 'this key'}`
            : keysName
              ? `Of the account’s latest ${RECENT_USAGE_LIMIT} calls, those made with ${keysName}`
              : 'The latest calls made with any of your keys'
        }
        className="pb-5"
      />
      <div className="border-t border-zinc-200">
        {recent.isPending ? (
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
        ) : events === undefined || events.length === 0 ? (
          <EmptyState
            icon={ListChecks}
            title={
              keyId !== null
                ? 'No calls with this key yet'
                : keysName
                  ? `None of the latest ${RECENT_USAGE_LIMIT} calls`
                  : 'No calls yet'
            }
            description={
              keysName && keyId === null
                ? `None of the account’s latest ${RECENT_USAGE_LIMIT} calls was made with ${keysName}; the charts above count them all.`
                : 'Call the API with a key and each request appears here within moments.'
            }
          />
        ) : (
          <>
            <Table label="Recent requests">
              <THead>
                <TR>
                  <TH>Status</TH>
                  <TH>Request</TH>
                  {keyId === null && <TH className="hidden sm:table-cell">Key</TH>}
                  <TH className="hidden text-right sm:table-cell">Units</TH>
                  <TH className="hidden text-right sm:table-cell">Latency</TH>
                  <TH className="hidden text-right sm:table-cell">When</TH>
                </TR>
              </THead>
              <TBody>
                {(showAll ? events : events.slice(0, ROWS_SHOWN)).map((event, index) => {
                  const request = requestParts(event.method, event.endpoint);
                  const label = labels.get(event.key_id) ?? 'Deleted key';
                  const when = formatRelative(event.at);
                  return (
                    <TR key={`${event.key_id}-${event.at}-${index}`}>
                      <TD className="w-16">
                        <StatusCodeBadge status={event.status} />
                      </TD>
                      <TD className="max-w-[13rem] sm:max-w-none">
                        <p className="truncate font-mono text-[13px] whitespace-nowrap">
                          <span className="text-zinc-500">{request.method}</span> {request.path}
                        </p>
                        <p className="mt-0.5 truncate text-xs text-zinc-500 sm:hidden">
                          {keyId === null && `${label} · `}
                          {formatLatency(event.latency_ms)} · {when}
                        </p>
                      </TD>
                      {keyId === null && (
                        <TD className="hidden max-w-40 truncate whitespace-nowrap sm:table-cell">{label}</TD>
                      )}
                      <TD className="hidden text-right whitespace-nowrap tabular-nums sm:table-cell">
                        {event.units === null ? '—' : formatNumber(event.units)}
                      </TD>
                      <TD className="hidden text-right whitespace-nowrap tabular-nums sm:table-cell">
                        {formatLatency(event.latency_ms)}
                      </TD>
                      <TD className="hidden text-right whitespace-nowrap text-zinc-500 sm:table-cell">
                        <time dateTime={event.at} title={formatDateTime(event.at)}>
                          {when}
                        </time>
                      </TD>
                    </TR>
                  );
                })}
              </TBody>
            </Table>
            {events.length > ROWS_SHOWN && (
              <div className="border-t border-zinc-200 px-5 py-3 sm:px-6">
                <Button variant="ghost" size="sm" onClick={() => setShowAll((shown) => !shown)}>
                  {showAll ? 'Show fewer' : `Show all ${events.length} requests`}
                </Button>
              </div>
            )}
          </>
        )}
      </div>
    </Card>
  );
}
