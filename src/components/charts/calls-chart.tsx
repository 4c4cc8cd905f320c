import { useId } from 'react';
import {
  Area,
  AreaChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import type { DailyPoint } from '@shared/contracts';
import {
  formatCompact,
  formatCount,
  formatDay,
  formatLatency,
  formatNumber,
  formatPercent,
} from '@/lib/format';

const BRAND = 'var(--color-brand-600)';
const ERROR = 'var(--color-rose-500)';

function ChartTooltip({
  active,
  label,
  points,
}: Pick<TooltipContentProps, 'active' | 'label'> & { points: Map<string, DailyPoint> }) {
  const point = typeof label === 'string' ? points.get(label) : undefined;
  if (!active || !point) return null;
  const errorRate = point.requests > 0 ? point.errors / point.requests : 0;
  return (
    <div className="min-w-44 rounded-lg bg-white px-3 py-2.5 text-sm shadow-lg ring-1 ring-zinc-200">
      <p className="mb-1.5 font-medium text-zinc-900">{formatDay(point.date)}</p>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-0.5">
        <dt className="flex items-center gap-1.5 text-zinc-500">
          <span className="size-2 rounded-full bg-brand-600" aria-hidden />
          Calls
        </dt>
        <dd className="text-right font-medium text-zinc-900 tabular-nums">{formatNumber(point.requests)}</dd>
        <dt className="flex items-center gap-1.5 text-zinc-500">
          <span className="size-2 rounded-full bg-rose-500" aria-hidden />
          Errors
        </dt>
        <dd className="text-right font-medium text-zinc-900 tabular-nums">
          {formatNumber(point.errors)}
          {point.errors > 0 && (
            <span className="ml-1 font-normal text-zinc-500">({formatPercent(errorRate)})</span>
          )}
        </dd>
        <dt className="pl-3.5 text-zinc-500">Latency</dt>
        <dd className="text-right font-medium text-zinc-900 tabular-nums">
          {formatLatency(point.avg_latency_ms)}
        </dd>
      </dl>
    </div>
  );
}

/** Calls and errors per day, with a tooltip for each day. */
export function CallsChart({
  data,
  height = 260,
  label,
}: {
  data: DailyPoint[];
  height?: number;
  label: string;
}) {
  const gradientId = `calls-${useId().replace(/[^\w-]/g, '')}`;
  const points = new Map(data.map((point) => [point.date, point]));
  const total = data.reduce((sum, point) => sum + point.requests, 0);
  const errors = data.reduce((sum, point) => sum + point.errors, 0);
  const peak = data.reduce<DailyPoint | undefined>(
    (best, point) => (!best || point.requests > best.requests ? point : best),
    undefined,
  );
  const summary = `${label}: ${formatCount(total, 'call')} and ${formatCount(errors, 'error')}${
    peak && peak.requests > 0
      ? `, busiest day ${formatDay(peak.date)} with ${formatCount(peak.requests, 'call')}`
      : ''
  }.`;

  return (
    <figure className="w-full">
      <figcaption className="sr-only">{summary}</figcaption>
      <div style={{ height }} aria-hidden>
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height }}>
          <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -4 }}>
            <defs>
              <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={BRAND} stopOpacity={0.28} />
                <stop offset="100%" stopColor={BRAND} stopOpacity={0.02} />
              </linearGradient>
            </defs>
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
              tickFormatter={formatCompact}
              tickLine={false}
              axisLine={false}
              allowDecimals={false}
              width={52}
              tick={{ fontSize: 12, fill: 'var(--color-zinc-500)' }}
            />
            <Tooltip
              cursor={{ stroke: 'var(--color-zinc-300)' }}
              content={({ active, label: day }) => (
                <ChartTooltip active={active} label={day} points={points} />
              )}
            />
            <Area
              type="monotone"
              dataKey="requests"
              name="Calls"
              stroke={BRAND}
              strokeWidth={2}
              fill={`url(#${gradientId})`}
              isAnimationActive={false}
            />
            <Area
              type="monotone"
              dataKey="errors"
              name="Errors"
              stroke={ERROR}
              strokeWidth={1.5}
              fill={ERROR}
              fillOpacity={0.08}
              isAnimationActive={false}
            />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function ChartLegend() {
  return (
    <div className="flex items-center gap-4 text-xs text-zinc-500">
      <span className="flex items-center gap-1.5">
        <span className="size-2 rounded-full bg-brand-600" aria-hidden />
        Calls
      </span>
      <span className="flex items-center gap-1.5">
        <span className="size-2 rounded-full bg-rose-500" aria-hidden />
        Errors
      </span>
    </div>
  );
}
