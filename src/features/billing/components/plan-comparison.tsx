import { Check } from 'lucide-react';
import { PLANS, PLAN_TIERS, type PaidPlanTier, type PlanTier } from '@shared/plans';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/lib/cn';
import { formatNumber, formatPrice } from '@/lib/format';

const RANK: Record<PlanTier, number> = { free: 0, pro: 1, enterprise: 2 };

export type BillingAction = PaidPlanTier | 'portal';

/**
 * Every plan side by side, from the one shared plan table. Checkout only starts a first
 * subscription; a subscriber switches between paid plans here (the subscription changes in
 * place), and goes back to Free by cancelling at the end of the period.
 */
export function PlanComparison({
  current,
  canManage,
  readOnly = false,
  onUpgrade,
  onSwitch,
  onDowngrade,
  pending,
}: {
  current: PlanTier;
  /** A Stripe subscription exists, so the plan can be changed from here. */
  canManage: boolean;
  /** The caller's role may not change the plan (`manage_billing`): no plan action is offered. */
  readOnly?: boolean;
  onUpgrade: (plan: PaidPlanTier) => void;
  onSwitch: (plan: PaidPlanTier) => void;
  onDowngrade: () => void;
  pending: BillingAction | null;
}) {
  const subscribed = current !== 'free';
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
            <dl className="mt-4 grid grid-cols-2 gap-3 rounded-lg bg-zinc-50 p-3 text-sm">
              <div>
                <dt className="text-xs text-zinc-500">Calls / month</dt>
                <dd className="font-semibold text-zinc-900 tabular-nums">
                  {formatNumber(plan.monthly_limit)}
                </dd>
              </div>
              <div>
                <dt className="text-xs text-zinc-500">Calls / minute</dt>
                <dd className="font-semibold text-zinc-900 tabular-nums">
                  {formatNumber(plan.per_minute_limit)}
                </dd>
              </div>
            </dl>
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
              ) : readOnly ? (
                <p className="text-center text-xs text-zinc-500">
                  Only the account’s owner changes its plan.
                </p>
              ) : !subscribed && tier !== 'free' ? (
                <Button
                  className="w-full"
                  onClick={() => onUpgrade(tier)}
                  loading={pending === tier}
                  disabled={pending !== null}
                >
                  Upgrade to {plan.name}
                </Button>
              ) : (
                <Button
                  variant="secondary"
                  className="w-full"
                  onClick={() => (tier === 'free' ? onDowngrade() : onSwitch(tier))}
                  loading={pending === tier}
                  disabled={pending !== null || !canManage}
                  title={
                    canManage
                      ? undefined
                      : 'Plan changes need a Stripe billing account, which this account does not have.'
                  }
                >
                  {higher ? `Switch to ${plan.name}` : `Downgrade to ${plan.name}`}
                </Button>
              )}
            </div>
          </Card>
        );
      })}
    </div>
  );
}
