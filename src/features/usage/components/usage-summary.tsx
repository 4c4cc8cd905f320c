import { AlertTriangle, Coins, Timer, Zap } from 'lucide-react';
import type { StatsResponse } from '@shared/contracts';
import { StatCard } from '@/components/ui/stat-card';
import { formatCount, formatLatency, formatNumber, formatPercent } from '@/lib/format';
import { daysBetween } from '@shared/dates';

function perDay(average: number): string {
  if (average > 0 && average < 1) return 'Less than one a day';
  return `About ${formatNumber(Math.round(average))} a day`;
}

export function UsageSummary({ stats, loading }: { stats: StatsResponse | undefined; loading: boolean }) {
  const totals = stats?.totals;
  const days = stats ? daysBetween(stats.from, stats.to) : 0;
  return (
    <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <StatCard
        label="Calls"
        icon={Zap}
        loading={loading}
        value={totals ? formatNumber(totals.requests) : null}
        hint={totals && days > 0 ? perDay(totals.requests / days) : null}
      />
      <StatCard
        label="Units"
        icon={Coins}
        loading={loading}
        value={totals ? formatNumber(totals.units) : null}
        hint={totals ? 'What the quota counts: a call costs 1 unless its endpoint says more' : null}
      />
      <StatCard
        label="Average latency"
        icon={Timer}
        loading={loading}
        value={totals ? formatLatency(totals.avg_latency_ms) : null}
        hint={totals?.avg_latency_ms === null ? 'No calls in this range' : 'Time to answer, server side'}
      />
      <StatCard
        label="Error rate"
        icon={AlertTriangle}
        loading={loading}
        value={totals ? formatPercent(totals.error_rate) : null}
        hint={totals ? `${formatCount(totals.errors, 'call')} answered 4xx or 5xx` : null}
      />
    </div>
  );
}
