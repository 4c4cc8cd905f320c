import { ExternalLink, KeyRound } from 'lucide-react';
import type { MeResponse, SubscriptionStatus } from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { KeyQuotaList } from '@/components/key-quota-list';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDate, formatNumber, formatPrice } from '@/lib/format';

const STATUS_LOOK: Record<SubscriptionStatus, { tone: BadgeTone; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  trialing: { tone: 'info', label: 'Trial' },
  past_due: { tone: 'warning', label: 'Payment overdue' },
  unpaid: { tone: 'danger', label: 'Unpaid' },
  canceled: { tone: 'neutral', label: 'Canceled' },
  incomplete: { tone: 'warning', label: 'Incomplete' },
  incomplete_expired: { tone: 'neutral', label: 'Expired' },
  paused: { tone: 'neutral', label: 'Paused' },
};

export function CurrentPlanCard({
  me,
  onManage,
  managing,
}: {
  me: MeResponse;
  onManage: () => void;
  managing: boolean;
}) {
  const { user, usage } = me;
  const plan = PLANS[user.plan_tier];
  const status = user.subscription_status ? STATUS_LOOK[user.subscription_status] : null;

  return (
    <Card aria-labelledby="current-plan-title">
      <CardHeader
        titleId="current-plan-title"
        title="Current plan"
        action={
          user.subscription_status !== null && (
            <Button variant="secondary" onClick={onManage} loading={managing}>
              {!managing && <ExternalLink className="size-4" aria-hidden />}
              Manage billing
            </Button>
          )
        }
      />
      <CardContent className="grid gap-8 md:grid-cols-2">
        <div>
          <div className="flex flex-wrap items-center gap-2">
            <p className="text-2xl font-semibold tracking-tight text-zinc-900">{plan.name}</p>
            {status && <Badge tone={status.tone}>{status.label}</Badge>}
          </div>
          <p className="mt-1 text-sm text-zinc-500">
            {plan.price_cents_per_month === 0
              ? 'Free forever'
              : `${formatPrice(plan.price_cents_per_month)} per month`}
          </p>
          <dl className="mt-5 grid grid-cols-2 gap-4 text-sm">
            <div>
              <dt className="text-zinc-500">Calls per key, monthly</dt>
              <dd className="mt-0.5 font-medium text-zinc-900 tabular-nums">
                {formatNumber(plan.monthly_limit)}
              </dd>
            </div>
            <div>
              <dt className="text-zinc-500">Calls per key, per minute</dt>
              <dd className="mt-0.5 font-medium text-zinc-900 tabular-nums">
                {formatNumber(plan.per_minute_limit)}
              </dd>
            </div>
            {user.current_period_end && (
              <div className="col-span-2">
                <dt className="text-zinc-500">{user.cancel_at_period_end ? 'Ends on' : 'Renews on'}</dt>
                <dd className="mt-0.5 font-medium text-zinc-900">{formatDate(user.current_period_end)}</dd>
              </div>
            )}
          </dl>
          {user.cancel_at_period_end && user.current_period_end && (
            <p className="mt-4 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
              Your subscription is canceled and ends on {formatDate(user.current_period_end)}. After that your
              keys move to the Free plan’s limits.
            </p>
          )}
        </div>
        <div>
          <p className="text-sm font-medium text-zinc-800">
            This month ({formatNumber(usage.requests)} calls)
          </p>
          <p className="mb-4 text-xs text-zinc-500">Quotas reset {formatDate(usage.resets_at)}.</p>
          {usage.keys.length === 0 ? (
            <EmptyState
              icon={KeyRound}
              title="No active keys"
              description="Each key you create gets the plan’s monthly quota."
              className="py-4"
            />
          ) : (
            <KeyQuotaList usage={usage} limit={4} />
          )}
        </div>
      </CardContent>
    </Card>
  );
}
