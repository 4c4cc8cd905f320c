import { Coins, CreditCard, Gauge, Users } from 'lucide-react';
import type { AdminStatsResponse } from '@shared/contracts';
import { PAID_PLAN_TIERS } from '@shared/plans';
import { StatCard } from '@/components/ui/stat-card';
import { formatNumber, planName } from '@/lib/format';

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const dollars = (cents: number) => usd.format(cents / 100);

function periodLabel(period: string): string {
  return new Date(`${period}-01T00:00:00Z`).toLocaleDateString(undefined, {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/**
 * The month's revenue: paying accounts by plan and the recurring revenue the plan table gives
 * them, credit packs sold, and overage reported to Stripe (at the plans' prices; Stripe rounds
 * each invoice's overage up to the next 1,000 units).
 */
export function RevenueCards({ billing }: { billing: AdminStatsResponse['billing'] | undefined }) {
  const month = billing ? periodLabel(billing.period) : '';
  const paying = billing ? PAID_PLAN_TIERS.reduce((sum, tier) => sum + billing.paying_accounts[tier], 0) : 0;
  return (
    <section aria-labelledby="revenue-title" className="space-y-3">
      <h2 id="revenue-title" className="text-base font-semibold text-zinc-900">
        Revenue{month && `, ${month}`}
      </h2>
      <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-4">
        <StatCard
          label="Paying accounts"
          icon={Users}
          loading={!billing}
          value={billing && formatNumber(paying)}
          hint={
            billing &&
            PAID_PLAN_TIERS.map(
              (tier) => `${planName(tier)} ${formatNumber(billing.paying_accounts[tier])}`,
            ).join(' · ')
          }
        />
        <StatCard
          label="Monthly recurring revenue"
          icon={CreditCard}
          loading={!billing}
          value={billing && dollars(billing.mrr_cents)}
          hint="From the plan table"
        />
        <StatCard
          label="Credits sold"
          icon={Coins}
          loading={!billing}
          value={billing && dollars(billing.credits_sold.amount_cents)}
          hint={
            billing &&
            `${formatNumber(billing.credits_sold.units)} credits in ${formatNumber(billing.credits_sold.purchases)} purchases`
          }
        />
        <StatCard
          label="Overage billed"
          icon={Gauge}
          loading={!billing}
          value={billing && dollars(billing.overage_billed.amount_cents)}
          hint={billing && `${formatNumber(billing.overage_billed.units)} units reported to Stripe`}
        />
      </div>
    </section>
  );
}
