import { useQuery } from '@tanstack/react-query';
import { CheckCircle2, Info } from 'lucide-react';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { SubscriptionStatus } from '@shared/contracts';
import type { PaidPlanTier } from '@shared/plans';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { meQueryOptions } from '@/lib/api/get-me';
import { describeError } from '@/lib/api-error';
import { leaveTo } from '@/lib/navigation';
import { useCreateCheckout } from '@/features/billing/api/create-checkout';
import { useCreatePortal } from '@/features/billing/api/create-portal';
import { CurrentPlanCard } from '@/features/billing/components/current-plan-card';
import { PlanComparison } from '@/features/billing/components/plan-comparison';

/** Statuses with a live Stripe subscription, whose plan changes go through the portal. */
const LIVE: ReadonlySet<SubscriptionStatus> = new Set([
  'active',
  'trialing',
  'past_due',
  'unpaid',
  'paused',
  'incomplete',
]);

function CheckoutNotice() {
  const [params] = useSearchParams();
  const outcome = params.get('checkout');
  if (outcome === 'success') {
    return (
      <p
        role="status"
        className="flex gap-2 rounded-lg bg-emerald-50 p-3 text-sm text-emerald-800 ring-1 ring-emerald-200"
      >
        <CheckCircle2 className="mt-0.5 size-4 shrink-0" aria-hidden />
        Thanks for upgrading! Your new plan and limits appear here as soon as the payment is confirmed.
      </p>
    );
  }
  if (outcome === 'cancel' || outcome === 'cancelled' || outcome === 'canceled') {
    return (
      <p role="status" className="flex gap-2 rounded-lg bg-zinc-100 p-3 text-sm text-zinc-700">
        <Info className="mt-0.5 size-4 shrink-0" aria-hidden />
        Checkout was cancelled. You have not been charged.
      </p>
    );
  }
  return null;
}

/** After Checkout, how long to keep asking for the new plan while Stripe's webhook arrives. */
const CONFIRMATION_POLL_MS = 3_000;
const CONFIRMATION_WAIT_MS = 60_000;

export function BillingPanel() {
  const [params] = useSearchParams();
  const [openedAt] = useState(() => Date.now());
  const awaitingUpgrade = params.get('checkout') === 'success';
  const me = useQuery({
    ...meQueryOptions(),
    refetchInterval: (query) =>
      awaitingUpgrade &&
      query.state.data?.user.plan_tier === 'free' &&
      Date.now() - openedAt < CONFIRMATION_WAIT_MS
        ? CONFIRMATION_POLL_MS
        : false,
  });
  const checkout = useCreateCheckout();
  const portal = useCreatePortal();
  const notify = useToast();
  const [pendingPlan, setPendingPlan] = useState<PaidPlanTier | 'portal' | null>(null);

  const onError = (title: string) => (error: unknown) => {
    setPendingPlan(null);
    notify({ tone: 'error', title, description: describeError(error) });
  };

  function upgrade(plan: PaidPlanTier) {
    setPendingPlan(plan);
    checkout.mutate(
      { plan },
      { onSuccess: ({ url }) => leaveTo(url), onError: onError("Couldn't start checkout") },
    );
  }

  function manage() {
    setPendingPlan('portal');
    portal.mutate(undefined, {
      onSuccess: ({ url }) => leaveTo(url),
      onError: onError("Couldn't open the billing portal"),
    });
  }

  if (me.isPending) {
    return (
      <LoadingRegion label="Loading your plan" className="space-y-6">
        <Skeleton className="h-64 w-full rounded-xl" />
        <div className="grid gap-4 md:grid-cols-3">
          {[0, 1, 2].map((card) => (
            <Skeleton key={card} className="h-72 rounded-xl" />
          ))}
        </div>
      </LoadingRegion>
    );
  }
  if (me.isError) {
    return (
      <Card>
        <ErrorState
          title="Couldn't load your plan"
          error={me.error}
          onRetry={() => void me.refetch()}
          retrying={me.isFetching}
        />
      </Card>
    );
  }

  const status = me.data.user.subscription_status;
  return (
    <div className="space-y-8">
      <CheckoutNotice />
      <CurrentPlanCard me={me.data} onManage={manage} managing={pendingPlan === 'portal'} />
      <section aria-labelledby="plans-title">
        <h2 id="plans-title" className="mb-1 text-base font-semibold text-zinc-900">
          Plans
        </h2>
        <p className="mb-4 text-sm text-zinc-500">
          Limits apply to each key. Payments are handled by Stripe.
        </p>
        <PlanComparison
          current={me.data.user.plan_tier}
          hasSubscription={status !== null && LIVE.has(status)}
          onUpgrade={upgrade}
          onManage={manage}
          pendingPlan={pendingPlan}
        />
      </section>
    </div>
  );
}
