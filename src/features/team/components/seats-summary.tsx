import { Link } from 'react-router-dom';
import { PLANS, PLAN_TIERS } from '@shared/plans';
import type { Seats } from '@shared/teams';
import { Notice } from '@/components/ui/notice';
import { Progress } from '@/components/ui/progress';
import { paths } from '@/config/paths';
import { useCan } from '@/lib/active-account';
import { formatCount } from '@/lib/format';
import { useAccountLink } from '@/lib/navigation';

/** A pending invitation holds a seat, so "taken" counts members and invitations. */
export function seatsTaken(seats: Seats): number {
  return seats.used + seats.pending;
}

export function seatsFull(seats: Seats): boolean {
  return seatsTaken(seats) >= seats.limit;
}

/** Plans with more seats than `limit`, for "how to get more". */
function biggerPlans(limit: number): string {
  return PLAN_TIERS.filter((tier) => PLANS[tier].seats > limit)
    .map((tier) => `${PLANS[tier].name} has ${PLANS[tier].seats}`)
    .join(', ');
}

export function SeatsSummary({ seats }: { seats: Seats }) {
  const link = useAccountLink();
  const mayBill = useCan('manage_billing');
  const taken = seatsTaken(seats);
  const more = biggerPlans(seats.limit);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <p className="font-medium text-zinc-900 tabular-nums">
          {taken} of {seats.limit} seats used
        </p>
        <p className="text-xs text-zinc-500">
          {formatCount(seats.used, 'member')}
          {seats.pending > 0 && `, ${formatCount(seats.pending, 'pending invitation')}`}
        </p>
      </div>
      <Progress value={taken} max={seats.limit} label="Seats used" />
      {seatsFull(seats) && (
        <Notice tone="warning" title="Every seat is taken">
          {more ? `A bigger plan has more seats (${more}). ` : ''}
          {mayBill ? (
            <>
              <Link to={link(paths.billing)} className="font-medium underline">
                Upgrade on Billing
              </Link>
              , or revoke a pending invitation or remove a member to free one.
            </>
          ) : (
            'The team’s owner can upgrade it on Billing; a pending invitation revoked or a member removed also frees one.'
          )}
        </Notice>
      )}
    </div>
  );
}
