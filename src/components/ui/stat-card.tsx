import type { LucideIcon } from 'lucide-react';
import { useId, type ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';

export function StatCard({
  label,
  value,
  hint,
  icon: Icon,
  loading = false,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  icon?: LucideIcon;
  loading?: boolean;
}) {
  const labelId = useId();
  return (
    <Card className="p-5" aria-labelledby={labelId}>
      <div className="flex items-center justify-between gap-2">
        <p id={labelId} className="text-sm font-medium text-zinc-500">
          {label}
        </p>
        {Icon && <Icon className="size-4 text-zinc-400" aria-hidden />}
      </div>
      {loading ? (
        <>
          <Skeleton className="mt-3 h-8 w-24" />
          <Skeleton className="mt-2 h-4 w-32" />
        </>
      ) : (
        <>
          <p className="mt-2 text-2xl font-semibold tracking-tight text-zinc-900 tabular-nums sm:text-3xl">
            {value}
          </p>
          {hint && <p className="mt-1 text-sm text-zinc-500">{hint}</p>}
        </>
      )}
    </Card>
  );
}
