import { Check } from 'lucide-react';
import { PLANS, PLAN_TIERS, type PaidPlanTier, type PlanTier } from '@shared/plans';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/lib/cn';
import { formatPrice } from '@/lib/format';

const RANK: Record<PlanTier, number> = { free: 0, pro: 1, enterprise: 2 };

/** Every plan side by side, from the one shared plan table. */
export function PlanComparison({
  current,
  hasSubscription,
  onUpgrade,
  onManage,
  pendingPlan,
}: {
  current: PlanTier;
  hasSubscription: boolean;
  onUpgrade: (plan: PaidPlanTier) => void;
  onManage: () => void;
  pendingPlan: PaidPlanTier | 'portal' | null;
}) {
  return (
    <div className="grid gap-4 md:grid-cols-3">
      {PLAN_TIERS.map((tier) => {
        const plan = PLANS[tier];
        const isCurrent = tier === current;
        const higher = RANK[tier] > RANK[current];
        return (
          <Card
            key={tier}
            aria-labelledby={`plan-${tier}`}
            className={cn('flex flex-col p-5 sm:p-6', isCurrent && 'ring-2 ring-brand-600')}
          >
            <div className="flex items-center justify-between gap-2">
              <h3 id={`plan-${tier}`} className="text-base font-semibold text-zinc-900">
                {plan.name}
              </h3>
              {isCurrent && <Badge tone="brand">Current plan</Badge>}
            </div>
            <p className="mt-3">
              <span className="text-3xl font-semibold tracking-tight text-zinc-900">
                {formatPrice(plan.price_cents_per_month)}
              </span>
              <span className="text-sm text-zinc-500"> / month</span>
            </p>
            <ul className="mt-5 flex-1 space-y-2.5 text-sm">
              {plan.features.map((feature) => (
                <li key={feature} className="flex gap-2 text-zinc-700">
                  <Check className="mt-0.5 size-4 shrink-0 text-brand-600" aria-hidden />
                  {feature}
                </li>
              ))}
            </ul>
            <div className="mt-6">
              {isCurrent ? (
                <Button variant="secondary" className="w-full" disabled>
                  Your plan
                </Button>
              ) : higher && tier !== 'free' && !hasSubscription ? (
                <Button
                  className="w-full"
                  onClick={() => onUpgrade(tier)}
                  loading={pendingPlan === tier}
                  disabled={pendingPlan !== null}
                >
                  Upgrade to {plan.name}
                </Button>
              ) : (
                // Plan changes on an existing subscription (and downgrades) happen in Stripe's portal.
                <Button
                  variant="secondary"
                  className="w-full"
                  onClick={onManage}
                  loading={pendingPlan === 'portal'}
                  disabled={pendingPlan !== null || !hasSubscription}
                >
                  {higher ? `Switch to ${plan.name}` : 'Change in billing portal'}
                </Button>
              )}
            </div>
          </Card>
        );
      })}
    </div>
  );
}
