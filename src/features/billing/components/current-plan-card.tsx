import { ExternalLink, KeyRound } from 'lucide-react';
import type { ReactNode } from 'react';
import type { AccountResponse, AccountSummary, SubscriptionStatus } from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { AccountQuotaMeter, KeyUsageList } from '@/components/account-usage';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Notice } from '@/components/ui/notice';
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

/** Subscriptions that exist but whose payment failed, which leaves the account on Free. */
const ON_HOLD: ReadonlySet<SubscriptionStatus> = new Set(['unpaid', 'incomplete', 'paused']);

function SubscriptionNotice({ account }: { account: AccountSummary }) {
  const plan = PLANS[account.plan_tier];
  const free = PLANS.free;
  if (account.plan_tier !== 'free' && account.cancel_at_period_end) {
    return (
      <Notice
        tone="warning"
        title={`Your ${plan.name} plan ends${account.current_period_end ? ` on ${formatDate(account.current_period_end)}` : ''}`}
      >
        It won’t renew. Until then your account keeps {plan.name}’s limits; after that it moves to the Free
        plan’s {formatNumber(free.monthly_limit)} units a month, shared by all your keys. Changed your mind?
        Resume it here.
      </Notice>
    );
  }
  if (account.plan_tier !== 'free' && account.subscription_status === 'past_due') {
    return (
      <Notice tone="warning" title="Your last payment didn’t go through">
        You keep the {plan.name} plan while Stripe retries the payment. Update your payment method in Manage
        billing so the next attempt succeeds; if every retry fails, your account moves to the Free plan.
      </Notice>
    );
  }
  if (
    account.plan_tier === 'free' &&
    account.subscription_status &&
    ON_HOLD.has(account.subscription_status)
  ) {
    return (
      <Notice tone="warning" title="Your subscription is on hold">
        Its payment didn’t go through, so your account has the Free plan’s limits. Fix the payment in Manage
        billing, or upgrade again below.
      </Notice>
    );
  }
  return null;
}

export function CurrentPlanCard({
  me,
  canManage,
  onManage,
  managing,
  manageDisabled,
  actions,
}: {
  me: AccountResponse;
  /** The Customer Portal is offered only to those who manage billing. */
  canManage: boolean;
  onManage: () => void;
  managing: boolean;
  manageDisabled: boolean;
  /** Cancel or resume, for those who manage billing. */
  actions?: ReactNode;
}) {
  const { account, usage } = me;
  const plan = PLANS[account.plan_tier];
  const paid = account.plan_tier !== 'free';
  const status =
    account.subscription_status && (paid || ON_HOLD.has(account.subscription_status))
      ? STATUS_LOOK[account.subscription_status]
      : null;

  return (
    <Card aria-labelledby="current-plan-title">
      <CardHeader
        titleId="current-plan-title"
        title="Current plan"
        action={
          canManage &&
          account.has_billing_account && (
            <Button variant="secondary" onClick={onManage} loading={managing} disabled={manageDisabled}>
              {!managing && <ExternalLink className="size-4" aria-hidden />}
              Manage billing
            </Button>
          )
        }
      />
      <CardContent className="space-y-6">
        <SubscriptionNotice account={account} />
        <div className="grid gap-8 md:grid-cols-2">
          <div>
            <div className="flex flex-wrap items-center gap-2">
              <p className="text-2xl font-semibold tracking-tight text-zinc-900">{plan.name}</p>
              {status && <Badge tone={status.tone}>{status.label}</Badge>}
              {paid && account.cancel_at_period_end && <Badge tone="warning">Doesn’t renew</Badge>}
            </div>
            <p className="mt-1 text-sm text-zinc-500">
              {paid ? `${formatPrice(plan.price_cents_per_month)} per month` : 'Free forever'}
            </p>
            <dl className="mt-5 grid grid-cols-2 gap-4 text-sm">
              <div>
                <dt className="text-zinc-500">Units a month</dt>
                <dd className="mt-0.5 font-medium text-zinc-900 tabular-nums">{formatNumber(usage.quota)}</dd>
              </div>
              <div>
                <dt className="text-zinc-500">Calls a minute</dt>
                <dd className="mt-0.5 font-medium text-zinc-900 tabular-nums">
                  {formatNumber(usage.per_minute_limit)}
                </dd>
              </div>
              {paid && account.current_period_end && (
                <div className="col-span-2">
                  <dt className="text-zinc-500">
                    {account.cancel_at_period_end ? 'Cancels on' : 'Renews on'}
                  </dt>
                  <dd className="mt-0.5 font-medium text-zinc-900">
                    {formatDate(account.current_period_end)}
                  </dd>
                </div>
              )}
            </dl>
            <p className="mt-3 text-xs text-zinc-500">
              For the whole account: all of its keys share these limits.
            </p>
            {actions && <div className="mt-5">{actions}</div>}
          </div>
          <div>
            <p className="mb-3 text-sm font-medium text-zinc-800">This month</p>
            <AccountQuotaMeter usage={usage} />
            <div className="mt-5">
              {usage.keys.length === 0 ? (
                <EmptyState
                  icon={KeyRound}
                  title="No active keys"
                  description="Every key you create draws on the account’s quota."
                  className="py-4"
                />
              ) : (
                <KeyUsageList usage={usage} limit={4} />
              )}
            </div>
          </div>
        </div>
      </CardContent>
    </Card>
  );
}
