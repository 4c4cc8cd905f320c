import { AlertTriangle, Gauge, KeyRound, Users, Zap } from 'lucide-react';
import { CallsChart, ChartLegend } from '@/components/charts/calls-chart';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { StatCard } from '@/components/ui/stat-card';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { formatDay, formatLatency, formatNumber, formatPercent, planName } from '@/lib/format';
import { useAdminStats } from '@/features/admin/api/get-admin-stats';
import { CreditAdjustmentCard } from '@/features/admin/components/credit-adjustment-card';
import { RevenueCards } from '@/features/admin/components/revenue-card';

export function AdminOverview() {
  const stats = useAdminStats();

  if (stats.isError) {
    return (
      <Card>
        <ErrorState
          title="Couldn't load platform stats"
          error={stats.error}
          onRetry={() => void stats.refetch()}
          retrying={stats.isFetching}
        />
      </Card>
    );
  }

  const data = stats.data;
  const range = data ? `${formatDay(data.from)} – ${formatDay(data.to)}` : '';
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5">
        <StatCard
          label="Accounts"
          icon={Users}
          loading={!data}
          value={data && formatNumber(data.totals.accounts)}
        />
        <StatCard
          label="Active keys"
          icon={KeyRound}
          loading={!data}
          value={data && formatNumber(data.totals.active_keys)}
        />
        <StatCard
          label="Calls"
          icon={Zap}
          loading={!data}
          value={data && formatNumber(data.totals.requests)}
          hint={range}
        />
        <StatCard
          label="Errors"
          icon={AlertTriangle}
          loading={!data}
          value={data && formatNumber(data.totals.errors)}
          hint={
            data &&
            `${formatPercent(data.totals.requests > 0 ? data.totals.errors / data.totals.requests : 0)} of calls`
          }
        />
        <StatCard
          label="p95 latency"
          icon={Gauge}
          loading={!data}
          value={data && formatLatency(data.totals.p95_ms)}
          hint={data && `p50 ${formatLatency(data.totals.p50_ms)} · p99 ${formatLatency(data.totals.p99_ms)}`}
        />
      </div>

      <RevenueCards billing={data?.billing} />

      <Card aria-labelledby="platform-calls-title">
        <CardHeader
          titleId="platform-calls-title"
          title="Platform calls"
          description={range || 'Every account, by day'}
          action={<ChartLegend />}
        />
        <CardContent>
          {!data ? (
            <LoadingRegion label="Loading platform calls">
              <Skeleton className="h-[260px] w-full" />
            </LoadingRegion>
          ) : (
            <CallsChart data={data.daily} label={`Platform calls, ${range}`} />
          )}
        </CardContent>
      </Card>

      <Card aria-labelledby="top-accounts-title">
        <CardHeader
          titleId="top-accounts-title"
          title="Top accounts"
          description="By calls in the same period"
          className="pb-5"
        />
        <div className="border-t border-zinc-200">
          {!data ? (
            <LoadingRegion label="Loading top accounts" className="space-y-3 px-6 py-5">
              {[0, 1, 2].map((row) => (
                <Skeleton key={row} className="h-8 w-full" />
              ))}
            </LoadingRegion>
          ) : data.top_accounts.length === 0 ? (
            <EmptyState
              icon={Users}
              title="No traffic yet"
              description="Accounts appear here once their keys are used."
            />
          ) : (
            <Table label="Top accounts">
              <THead>
                <TR>
                  <TH>Account</TH>
                  <TH>Plan</TH>
                  <TH className="text-right">Calls</TH>
                </TR>
              </THead>
              <TBody>
                {data.top_accounts.map((account) => (
                  <TR key={account.account_id}>
                    <TD className="max-w-[10rem] sm:max-w-xs">
                      <p className="truncate font-medium text-zinc-900">
                        {account.name ?? 'Deleted account'}
                      </p>
                      <p className="truncate text-xs text-zinc-500">
                        {account.email === null ? '' : `${account.email} · `}
                        <span className="font-mono">{account.account_id}</span>
                      </p>
                    </TD>
                    <TD>
                      <Badge tone={account.plan_tier === 'free' ? 'neutral' : 'brand'}>
                        {planName(account.plan_tier)}
                      </Badge>
                    </TD>
                    <TD className="text-right font-medium tabular-nums">{formatNumber(account.requests)}</TD>
                  </TR>
                ))}
              </TBody>
            </Table>
          )}
        </div>
      </Card>

      <CreditAdjustmentCard />
    </div>
  );
}
