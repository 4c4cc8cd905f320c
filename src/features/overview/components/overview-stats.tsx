import { AlertTriangle, KeyRound, Timer } from 'lucide-react';
import type { StatsQuery } from '@shared/contracts';
import { ErrorState } from '@/components/ui/error-state';
import { Card } from '@/components/ui/card';
import { StatCard } from '@/components/ui/stat-card';
import { useSummary } from '@/lib/api/get-summary';
import { useStats } from '@/lib/api/get-stats';
import { formatCount, formatLatency, formatNumber, formatPercent } from '@/lib/format';

export function OverviewStats({ range }: { range: StatsQuery }) {
  const stats = useStats(range);
  const me = useSummary();
  const totals = stats.data?.totals;

  return (
    <div className="grid gap-4 sm:grid-cols-3">
      {stats.isError ? (
        <Card className="sm:col-span-2">
          <ErrorState
            title="Couldn't load error rate and latency"
            error={stats.error}
            onRetry={() => void stats.refetch()}
            retrying={stats.isFetching}
            className="py-6"
          />
        </Card>
      ) : (
        <>
          <StatCard
            label="Error rate"
            icon={AlertTriangle}
            loading={stats.isPending}
            value={totals ? formatPercent(totals.error_rate) : null}
            hint={totals ? `${formatCount(totals.errors, 'failed call')} in 30 days` : null}
          />
          <StatCard
            label="Average latency"
            icon={Timer}
            loading={stats.isPending}
            value={totals ? formatLatency(totals.avg_latency_ms) : null}
            hint={totals?.avg_latency_ms === null ? 'No calls in 30 days' : 'Over the last 30 days'}
          />
        </>
      )}
      {me.isError ? (
        <Card>
          <ErrorState
            title="Couldn't load keys"
            error={me.error}
            onRetry={() => void me.refetch()}
            className="py-6"
          />
        </Card>
      ) : (
        <StatCard
          label="Active keys"
          icon={KeyRound}
          loading={me.isPending}
          value={me.data ? formatNumber(me.data.usage.active_keys) : null}
          hint={me.data?.usage.active_keys === 0 ? 'Create one on the Keys page' : 'Able to call the API now'}
        />
      )}
    </div>
  );
}
