import { ChartColumn, Download } from 'lucide-react';
import { Link } from 'react-router-dom';
import { CallsChart, ChartLegend } from '@/components/charts/calls-chart';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { useKeys } from '@/lib/api/get-keys';
import { useStats } from '@/lib/api/get-stats';
import { describeError } from '@/lib/api-error';
import { formatDay, formatNumber } from '@/lib/format';
import { integrationKeysLabel } from '@/lib/integrations';
import { useAccountLink } from '@/lib/navigation';
import { useExportUsage } from '@/features/usage/api/export-usage';
import { AvailabilityStrip } from '@/features/usage/components/availability-strip';
import { IntegrationSelector } from '@/features/usage/components/integration-selector';
import { KeySelector } from '@/features/usage/components/key-selector';
import { LatencyByEndpoint } from '@/features/usage/components/latency-by-endpoint';
import { LatencyChart, LatencyLegend } from '@/features/usage/components/latency-chart';
import { RangePicker } from '@/features/usage/components/range-picker';
import { RecentRequests } from '@/features/usage/components/recent-requests';
import { UsageBreakdown } from '@/features/usage/components/usage-breakdown';
import { UsageSummary } from '@/features/usage/components/usage-summary';
import { AVAILABILITY_DEFINITION, PERCENTILE_DEFINITION } from '@/features/usage/service-figures';
import { useUsageFilters } from '@/features/usage/usage-filters';

export function UsageDashboard() {
  const { range, keyId, integration, query, setRange, setKeyId, setIntegration } = useUsageFilters();
  const keys = useKeys();
  const stats = useStats(query);
  const exportUsage = useExportUsage();
  const notify = useToast();
  const link = useAccountLink();
  const selectedKey = keys.data?.find((key) => key.id === keyId) ?? null;
  const rangeLabel = `${formatDay(range.from)} – ${formatDay(range.to)}`;
  const scope = selectedKey
    ? `“${selectedKey.label}”`
    : integration
      ? integrationKeysLabel(integration)
      : 'All keys';

  function download() {
    exportUsage.mutate(query, {
      onSuccess: () =>
        notify({
          tone: 'success',
          title: 'CSV downloaded',
          description: `Daily usage per key, ${integration ? `${integrationKeysLabel(integration)}, ` : ''}${rangeLabel}.`,
        }),
      onError: (error) =>
        notify({ tone: 'error', title: "Couldn't export CSV", description: describeError(error) }),
    });
  }

  return (
    <div className="space-y-6">
      <Card className="flex flex-col gap-4 p-4 sm:p-5 lg:flex-row lg:items-start lg:justify-between">
        <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:gap-6">
          <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-center sm:gap-4">
            <KeySelector keys={keys.data ?? []} value={keyId} onChange={setKeyId} disabled={keys.isPending} />
            <IntegrationSelector value={integration} onChange={setIntegration} />
          </div>
          <RangePicker value={range} onChange={setRange} />
        </div>
        <Button variant="secondary" onClick={download} loading={exportUsage.isPending} className="self-start">
          {!exportUsage.isPending && <Download className="size-4" aria-hidden />}
          Export CSV
        </Button>
      </Card>

      {stats.isError && !stats.data ? (
        <Card>
          <ErrorState
            title="Couldn't load usage"
            error={stats.error}
            onRetry={() => void stats.refetch()}
            retrying={stats.isFetching}
          />
        </Card>
      ) : (
        <>
          <UsageSummary stats={stats.data} loading={stats.isPending} />
          <Card aria-labelledby="usage-chart-title" aria-busy={stats.isPlaceholderData || undefined}>
            <CardHeader
              titleId="usage-chart-title"
              title="Calls over time"
              description={`${scope}, ${rangeLabel} (UTC)`}
              action={<ChartLegend />}
            />
            <CardContent>
              {stats.isPending ? (
                <LoadingRegion label="Loading the usage chart">
                  <Skeleton className="h-[300px] w-full" />
                </LoadingRegion>
              ) : stats.data.totals.requests === 0 ? (
                <EmptyState
                  icon={ChartColumn}
                  title="No calls in this range"
                  description={
                    keys.data?.length === 0
                      ? 'Create an API key and call the API with it; its calls are charted here.'
                      : integration
                        ? 'Try a longer range or another integration, or call the API with one of its keys.'
                        : 'Try a longer range or another key, or call the API to see traffic here.'
                  }
                  action={
                    keys.data?.length === 0 ? (
                      <Button asChild size="sm">
                        <Link to={link(paths.keys)}>Create a key</Link>
                      </Button>
                    ) : undefined
                  }
                />
              ) : (
                <div
                  className={stats.isPlaceholderData ? 'opacity-60 transition-opacity' : 'transition-opacity'}
                >
                  <CallsChart
                    data={stats.data.daily}
                    height={300}
                    label={`Calls per day, ${rangeLabel}, ${formatNumber(stats.data.totals.requests)} in total`}
                  />
                </div>
              )}
            </CardContent>
          </Card>
          {stats.data && stats.data.totals.requests > 0 && (
            <>
              <Card aria-labelledby="latency-chart-title" aria-busy={stats.isPlaceholderData || undefined}>
                <CardHeader
                  titleId="latency-chart-title"
                  title="Latency over time"
                  description="p50, p95 and p99 of each day’s calls (UTC)"
                  action={<LatencyLegend />}
                />
                <CardContent>
                  {stats.data.totals.p50_ms === null ? (
                    <p className="py-6 text-center text-sm text-zinc-500">
                      No latency recorded in this range.
                    </p>
                  ) : (
                    <>
                      <LatencyChart data={stats.data.daily} label={`Latency per day, ${rangeLabel}`} />
                      <p className="mt-3 text-xs text-zinc-500">{PERCENTILE_DEFINITION}</p>
                    </>
                  )}
                </CardContent>
                {stats.data.totals.p50_ms !== null && (
                  <div className="border-t border-zinc-200">
                    <LatencyByEndpoint rows={stats.data.by_endpoint} />
                  </div>
                )}
              </Card>
              <Card aria-labelledby="availability-title">
                <CardHeader
                  titleId="availability-title"
                  title="Availability by day"
                  description={AVAILABILITY_DEFINITION}
                />
                <CardContent>
                  <AvailabilityStrip data={stats.data.daily} />
                </CardContent>
              </Card>
            </>
          )}
          {stats.data && <UsageBreakdown stats={stats.data} keys={keys.data ?? []} />}
        </>
      )}

      <RecentRequests keyId={keyId} integration={integration} keys={keys.data ?? []} />
    </div>
  );
}
