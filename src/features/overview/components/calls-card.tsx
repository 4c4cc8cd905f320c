import { ChartColumn } from 'lucide-react';
import { Link } from 'react-router-dom';
import type { StatsQuery } from '@shared/contracts';
import { CallsChart, ChartLegend } from '@/components/charts/calls-chart';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { useStats } from '@/lib/api/get-stats';
import { formatCount } from '@/lib/format';
import { useAccountLink } from '@/lib/navigation';

export function CallsCard({ range }: { range: StatsQuery }) {
  const stats = useStats(range);
  const link = useAccountLink();

  return (
    <Card aria-labelledby="calls-title">
      <CardHeader
        titleId="calls-title"
        title="Calls, last 30 days"
        description={
          stats.data
            ? `${formatCount(stats.data.totals.requests, 'call')}, ${formatCount(stats.data.totals.units, 'unit')} in total`
            : 'Every metered call, by day'
        }
        action={
          <Button variant="ghost" size="sm" asChild>
            <Link to={link(paths.usage)}>Details</Link>
          </Button>
        }
      />
      <CardContent>
        {stats.isPending ? (
          <LoadingRegion label="Loading the calls chart">
            <Skeleton className="h-[260px] w-full" />
          </LoadingRegion>
        ) : stats.isError ? (
          <ErrorState error={stats.error} onRetry={() => void stats.refetch()} retrying={stats.isFetching} />
        ) : stats.data.totals.requests === 0 ? (
          <EmptyState
            icon={ChartColumn}
            title="No calls in the last 30 days"
            description="Send a request to the API with one of your keys and it shows up here within a minute."
            action={
              <Button asChild size="sm" variant="secondary">
                <Link to={link(paths.keys)}>See how to call the API</Link>
              </Button>
            }
          />
        ) : (
          <>
            <ChartLegend />
            <div className="mt-3">
              <CallsChart data={stats.data.daily} label="Calls over the last 30 days" />
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
