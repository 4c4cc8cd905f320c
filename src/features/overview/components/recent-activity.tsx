import { Activity } from 'lucide-react';
import { Link } from 'react-router-dom';
import { StatusCodeBadge } from '@/components/status-code-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useKeys } from '@/lib/api/get-keys';
import { useRecentUsage } from '@/lib/api/get-recent-usage';
import { formatDateTime, formatLatency, formatRelative, requestParts } from '@/lib/format';
import { useAccountLink } from '@/lib/navigation';

const EVENTS_SHOWN = 8;

/** The account's latest calls across all its keys, newest first. */
export function RecentActivity() {
  const recent = useRecentUsage(null);
  // Only for labels: the activity itself never waits for the key list.
  const keys = useKeys();
  const link = useAccountLink();
  const labels = new Map(keys.data?.map((key) => [key.id, key.label]));
  const events = recent.data?.slice(0, EVENTS_SHOWN) ?? [];

  return (
    <Card aria-labelledby="activity-title">
      <CardHeader
        titleId="activity-title"
        title="Recent activity"
        description="The latest calls made with your keys"
      />
      <CardContent className="pt-3">
        {recent.isPending ? (
          <LoadingRegion label="Loading recent activity" className="space-y-3 pt-2">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} className="h-10 w-full" />
            ))}
          </LoadingRegion>
        ) : recent.isError ? (
          <ErrorState
            error={recent.error}
            onRetry={() => void recent.refetch()}
            retrying={recent.isFetching}
          />
        ) : events.length === 0 ? (
          <EmptyState
            icon={Activity}
            title="No calls yet"
            description="When a program calls the API with one of your keys, each call is listed here."
            action={
              <Button asChild size="sm" variant="secondary">
                <Link to={link(paths.keys)}>Get an API key</Link>
              </Button>
            }
          />
        ) : (
          <ul className="divide-y divide-zinc-100">
            {events.map((event, index) => {
              const request = requestParts(event.method, event.endpoint);
              return (
                <li key={`${event.key_id}-${event.at}-${index}`} className="flex items-center gap-3 py-2.5">
                  <StatusCodeBadge status={event.status} className="w-12" />
                  <div className="min-w-0 flex-1">
                    <p className="truncate font-mono text-[13px] text-zinc-800">
                      <span className="text-zinc-500">{request.method}</span> {request.path}
                    </p>
                    <p className="truncate text-xs text-zinc-500">
                      {keys.isPending ? 'Key' : (labels.get(event.key_id) ?? 'Deleted key')} ·{' '}
                      {formatLatency(event.latency_ms)}
                    </p>
                  </div>
                  <time
                    dateTime={event.at}
                    title={formatDateTime(event.at)}
                    className="shrink-0 text-xs text-zinc-500"
                  >
                    {formatRelative(event.at)}
                  </time>
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
