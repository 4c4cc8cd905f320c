import { cn } from '@/lib/cn';

/** A horizontal meter; turns amber from 80 % and red at 100 %, like a quota should. */
export function Progress({
  value,
  max,
  label,
  className,
}: {
  value: number;
  max: number;
  label: string;
  className?: string;
}) {
  const ratio = max > 0 ? Math.min(value / max, 1) : 0;
  const tone = ratio >= 1 ? 'bg-rose-500' : ratio >= 0.8 ? 'bg-amber-500' : 'bg-brand-600';
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={Math.min(value, max)}
      aria-valuetext={`${Math.round(ratio * 100)}%`}
      className={cn('h-2 w-full overflow-hidden rounded-full bg-zinc-100', className)}
    >
      <div
        className={cn('h-full rounded-full transition-[width] duration-500', tone)}
        style={{ width: `${ratio * 100}%` }}
      />
    </div>
  );
}
