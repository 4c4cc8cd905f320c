import { Activity, AlertTriangle, CheckCircle2, Coins, Gauge, Timer, Zap } from 'lucide-react';
import type { StatsResponse } from '@shared/contracts';
import { StatCard } from '@/components/ui/stat-card';
import { formatCount, formatLatency, formatNumber, formatPercent } from '@/lib/format';
import { daysBetween } from '@shared/dates';
import {
  AVAILABILITY_DEFINITION,
  PERCENTILE_DEFINITION,
  formatAvailability,
} from '@/features/usage/service-figures';

function perDay(average: number): string {
  if (average > 0 && average < 1) return 'Less than one a day';
  return `About ${formatNumber(Math.round(average))} a day`;
}

export function UsageSummary({ stats, loading }: { stats: StatsResponse | undefined; loading: boolean }) {
  const totals = stats?.totals;
  const days = stats ? daysBetween(stats.from, stats.to) : 0;
  return (
    <div className="space-y-4">
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
      <div className="grid gap-4 sm:grid-cols-3">
        <StatCard
          label="Latency p95"
          icon={Gauge}
          loading={loading}
          value={totals ? <span title={PERCENTILE_DEFINITION}>{formatLatency(totals.p95_ms)}</span> : null}
          hint={
            totals
              ? totals.p95_ms === null
                ? 'No latency recorded in this range'
                : `p50 ${formatLatency(totals.p50_ms)} · p99 ${formatLatency(totals.p99_ms)}`
              : null
          }
        />
        <StatCard
          label="Success rate"
          icon={CheckCircle2}
          loading={loading}
          value={totals ? (totals.success_rate === null ? '—' : formatPercent(totals.success_rate)) : null}
          hint={
            totals
              ? totals.requests === 0
                ? 'No calls in this range'
                : `Answered 1xx–3xx; ${formatCount(totals.server_errors, 'call')} answered 5xx`
              : null
          }
        />
        <StatCard
          label="Availability"
          icon={Activity}
          loading={loading}
          value={
            totals ? (
              <span title={AVAILABILITY_DEFINITION}>{formatAvailability(totals.availability)}</span>
            ) : null
          }
          hint={
            totals
              ? totals.availability === null
                ? 'No minutes with calls in this range'
                : `${formatNumber(totals.minutes_with_calls - totals.minutes_with_server_errors)} of ${formatCount(
                    totals.minutes_with_calls,
                    'minute',
                  )} with calls had no 5xx`
              : null
          }
        />
      </div>
    </div>
  );
}
