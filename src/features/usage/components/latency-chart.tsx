import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import type { UsageDayPoint } from '@shared/contracts';
import { formatDay, formatLatency, formatPercent } from '@/lib/format';
import { formatAvailability } from '@/features/usage/service-figures';

const SERIES = [
  { key: 'p50_ms', name: 'p50', color: 'var(--color-brand-600)', dot: 'bg-brand-600' },
  { key: 'p95_ms', name: 'p95', color: 'var(--color-amber-500)', dot: 'bg-amber-500' },
  { key: 'p99_ms', name: 'p99', color: 'var(--color-rose-500)', dot: 'bg-rose-500' },
] as const;

function LatencyTooltip({
  active,
  label,
  points,
}: Pick<TooltipContentProps, 'active' | 'label'> & { points: Map<string, UsageDayPoint> }) {
  const point = typeof label === 'string' ? points.get(label) : undefined;
  if (!active || !point) return null;
  return (
    <div className="min-w-44 rounded-lg bg-white px-3 py-2.5 text-sm shadow-lg ring-1 ring-zinc-200">
      <p className="mb-1.5 font-medium text-zinc-900">{formatDay(point.date)}</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5">
        {SERIES.map((series) => (
          <div key={series.key} className="contents">
            <dt className="flex items-center gap-1.5 text-zinc-500">
              <span className={`size-2 rounded-full ${series.dot}`} aria-hidden />
              {series.name}
            </dt>
            <dd className="text-right font-medium text-zinc-900 tabular-nums">
              {formatLatency(point[series.key])}
            </dd>
          </div>
        ))}
        <dt className="pl-3.5 text-zinc-500">Success</dt>
        <dd className="text-right font-medium text-zinc-900 tabular-nums">
          {point.requests > 0 ? formatPercent((point.requests - point.errors) / point.requests) : '—'}
        </dd>
        <dt className="pl-3.5 text-zinc-500">Availability</dt>
        <dd className="text-right font-medium text-zinc-900 tabular-nums">
          {formatAvailability(point.availability)}
        </dd>
      </dl>
    </div>
  );
}

/** p50, p95 and p99 per day; days without calls leave a gap rather than a zero. */
export function LatencyChart({
  data,
  label,
  height = 260,
}: {
  data: UsageDayPoint[];
  label: string;
  height?: number;
}) {
  const points = new Map(data.map((point) => [point.date, point]));
  const slowest = data.reduce<UsageDayPoint | undefined>(
    (worst, point) =>
      point.p95_ms !== null && (!worst || point.p95_ms > (worst.p95_ms ?? 0)) ? point : worst,
    undefined,
  );
  const summary = slowest
    ? `${label}: the slowest day by p95 was ${formatDay(slowest.date)}, p50 ${formatLatency(slowest.p50_ms)}, p95 ${formatLatency(slowest.p95_ms)}, p99 ${formatLatency(slowest.p99_ms)}.`
    : `${label}: no latency recorded.`;

  return (
    <figure className="w-full">
      <figcaption className="sr-only">{summary}</figcaption>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height }}>
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -4 }}>
            <CartesianGrid stroke="var(--color-zinc-200)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="date"
              tickFormatter={formatDay}
              tickLine={false}
              axisLine={false}
              minTickGap={24}
              tick={{ fontSize: 12, fill: 'var(--color-zinc-500)' }}
            />
            <YAxis
              tickFormatter={(value: number) => formatLatency(value)}
              tickLine={false}
              axisLine={false}
              width={60}
              tick={{ fontSize: 12, fill: 'var(--color-zinc-500)' }}
            />
            <Tooltip
              cursor={{ stroke: 'var(--color-zinc-300)' }}
              content={({ active, label: day }) => (
                <LatencyTooltip active={active} label={day} points={points} />
              )}
            />
            {SERIES.map((series) => (
              <Line
                key={series.key}
                type="monotone"
                dataKey={series.key}
                name={series.name}
                stroke={series.color}
                strokeWidth={series.key === 'p50_ms' ? 2 : 1.5}
                dot={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function LatencyLegend() {
  return (
    <div className="flex items-center gap-4 text-xs text-zinc-500">
      {SERIES.map((series) => (
        <span key={series.key} className="flex items-center gap-1.5">
          <span className={`size-2 rounded-full ${series.dot}`} aria-hidden />
          {series.name}
        </span>
      ))}
    </div>
  );
}
