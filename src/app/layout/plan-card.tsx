import { Sparkles } from 'lucide-react';
import { Link } from 'react-router-dom';
import { Skeleton } from '@/components/ui/skeleton';
import { paths } from '@/config/paths';
import { can } from '@shared/roles';
import { useSummary } from '@/lib/api/get-summary';
import { useAccountLink } from '@/lib/navigation';
import { formatNumber, planName } from '@/lib/format';

/** The sidebar's reminder of the active account's plan, with a way up for Free accounts. */
export function PlanCard({ onNavigate }: { onNavigate?: () => void }) {
  const me = useSummary();
  const link = useAccountLink();
  if (me.isPending) return <Skeleton className="h-20 w-full rounded-xl" />;
  if (!me.data) return null;
  const { account, usage } = me.data;
  return (
    <div className="rounded-xl bg-zinc-100/80 p-3.5">
      <p className="text-xs font-medium text-zinc-500">Current plan</p>
      <p className="mt-0.5 text-sm font-semibold text-zinc-900">{planName(account.plan_tier)}</p>
      <p className="mt-1 text-xs text-zinc-500 tabular-nums">
        {formatNumber(usage.units)} of {formatNumber(usage.quota)} units used this month
      </p>
      {account.plan_tier === 'free' && can(account.role, 'manage_billing') && (
        <Link
          to={link(paths.billing)}
          onClick={onNavigate}
          className="mt-2.5 inline-flex items-center gap-1 text-xs font-semibold text-brand-700 hover:text-brand-800"
        >
          <Sparkles className="size-3.5" aria-hidden />
          Upgrade for more calls
        </Link>
      )}
    </div>
  );
}
