import type { UsageDayPoint } from '@shared/contracts';
import { cn } from '@/lib/cn';
import { formatCount, formatDay } from '@/lib/format';
import {
  availabilityTone,
  formatAvailability,
  type AvailabilityTone,
} from '@/features/usage/service-figures';

const TONES: Record<AvailabilityTone, string> = {
  none: 'bg-zinc-200',
  good: 'bg-emerald-500',
  fair: 'bg-amber-400',
  poor: 'bg-rose-500',
};

function describeDay(point: UsageDayPoint): string {
  if (point.availability === null) return `${formatDay(point.date)}: no calls`;
  return `${formatDay(point.date)}: ${formatAvailability(point.availability)}, ${formatCount(
    point.minutes_with_server_errors,
    'minute',
  )} with a 5xx of ${formatCount(point.minutes_with_calls, 'minute')} with calls`;
}

/** One bar per day, coloured by its availability, as status pages show uptime. */
export function AvailabilityStrip({ data }: { data: UsageDayPoint[] }) {
  return (
    <div>
      <ol aria-label="Availability by day" className="flex h-10 items-stretch gap-px sm:gap-0.5">
        {data.map((point) => {
          const description = describeDay(point);
          return (
            <li
              key={point.date}
              title={description}
              aria-label={description}
              className={cn('min-w-0.5 flex-1 rounded-sm', TONES[availabilityTone(point.availability)])}
            />
          );
        })}
      </ol>
      <div className="mt-2 flex flex-wrap items-center justify-between gap-x-4 gap-y-1 text-xs text-zinc-500">
        <span>{data[0] ? formatDay(data[0].date) : ''}</span>
        <span className="flex flex-wrap items-center gap-3">
          {(
            [
              ['good', '≥ 99.9%'],
              ['fair', '≥ 99%'],
              ['poor', '< 99%'],
              ['none', 'No calls'],
            ] as const
          ).map(([tone, text]) => (
            <span key={tone} className="flex items-center gap-1.5">
              <span className={cn('size-2 rounded-sm', TONES[tone])} aria-hidden />
              {text}
            </span>
          ))}
        </span>
        <span>{data.at(-1) ? formatDay(data.at(-1)?.date ?? '') : ''}</span>
      </div>
    </div>
  );
}
