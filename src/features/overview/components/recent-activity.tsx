import { useQueries } from '@tanstack/react-query';
import { Activity } from 'lucide-react';
import { Link } from 'react-router-dom';
import type { ApiKey, UsageEvent } from '@shared/contracts';
import { StatusCodeBadge } from '@/components/status-code-badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useKeys } from '@/lib/api/get-keys';
import { recentUsageQueryOptions } from '@/lib/api/get-recent-usage';
import { formatDateTime, formatLatency, formatRelative } from '@/lib/format';

/** How many of the most recently used keys feed the activity list. */
const KEYS_SAMPLED = 3;
const EVENTS_SHOWN = 8;

function recentlyUsed(keys: ApiKey[]): ApiKey[] {
  return keys
    .filter((key): key is ApiKey & { last_used_at: string } => key.last_used_at !== null)
    .sort((a, b) => b.last_used_at.localeCompare(a.last_used_at))
    .slice(0, KEYS_SAMPLED);
}

/** The latest calls across the account's most recently used keys, newest first. */
export function RecentActivity() {
  const keys = useKeys();
  const sampled = keys.data ? recentlyUsed(keys.data) : [];
  const labels = new Map(keys.data?.map((key) => [key.id, key.label]));
  const recent = useQueries({
    queries: sampled.map((key) => recentUsageQueryOptions(key.id)),
    combine: (results) => ({
      events: results
        .flatMap((result) => result.data ?? [])
        .sort((a, b) => b.at.localeCompare(a.at))
        .slice(0, EVENTS_SHOWN),
      isPending: results.some((result) => result.isPending),
      error: results.find((result) => result.isError)?.error ?? null,
      refetch: () => results.forEach((result) => void result.refetch()),
    }),
  });

  const error = keys.error ?? recent.error;
  const pending = keys.isPending || recent.isPending;

  return (
    <Card aria-labelledby="activity-title">
      <CardHeader
        titleId="activity-title"
        title="Recent activity"
        description="The latest calls made with your keys"
      />
      <CardContent className="pt-3">
        {error ? (
          <ErrorState
            error={error}
            onRetry={() => {
              void keys.refetch();
              recent.refetch();
            }}
          />
        ) : pending ? (
          <LoadingRegion label="Loading recent activity" className="space-y-3 pt-2">
            {[0, 1, 2, 3].map((row) => (
              <Skeleton key={row} className="h-10 w-full" />
            ))}
          </LoadingRegion>
        ) : recent.events.length === 0 ? (
          <EmptyState
            icon={Activity}
            title="No calls yet"
            description="When a program calls the API with one of your keys, each call is listed here."
            action={
              <Button asChild size="sm" variant="secondary">
                <Link to={paths.keys}>Get an API key</Link>
              </Button>
            }
          />
        ) : (
          <ul className="divide-y divide-zinc-100">
            {recent.events.map((event: UsageEvent, index) => (
              <li key={`${event.key_id}-${event.at}-${index}`} className="flex items-center gap-3 py-2.5">
                <StatusCodeBadge status={event.status} className="w-12" />
                <div className="min-w-0 flex-1">
                  <p className="truncate font-mono text-[13px] text-zinc-800">
                    <span className="text-zinc-500">{event.method}</span> {event.endpoint}
                  </p>
                  <p className="truncate text-xs text-zinc-500">
                    {labels.get(event.key_id) ?? 'Deleted key'} · {formatLatency(event.latency_ms)}
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
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
