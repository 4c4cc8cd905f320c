import { useQuery } from '@tanstack/react-query';
import { ExternalLink, X } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { PaidPlanTier } from '@shared/plans';
import { can } from '@shared/roles';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { Notice } from '@/components/ui/notice';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useActiveAccount } from '@/lib/active-account';
import { summaryQueryOptions } from '@/lib/api/get-summary';
import { leaveTo } from '@/lib/navigation';
import { useChangePlan } from '@/features/billing/api/change-plan';
import { useCreateCheckout } from '@/features/billing/api/create-checkout';
import { useCreatePortal } from '@/features/billing/api/create-portal';
import { describeBillingError } from '@/features/billing/billing-errors';
import { CheckoutReturnNotice, checkoutOutcome } from '@/features/billing/components/checkout-return-notice';
import { CreditsCard } from '@/features/billing/components/credits-card';
import { CurrentPlanCard } from '@/features/billing/components/current-plan-card';
import { InvoicesCard } from '@/features/billing/components/invoices-card';
import { OverageSettingsCard } from '@/features/billing/components/overage-settings-card';
import { PlanComparison, type BillingAction } from '@/features/billing/components/plan-comparison';
import { SubscriptionActions } from '@/features/billing/components/subscription-actions';
import { UpcomingInvoiceCard } from '@/features/billing/components/upcoming-invoice-card';

/** After Checkout, how often and how long to ask for the new plan while Stripe's webhook arrives. */
export const CHECKOUT_CONFIRMATION = { pollMs: 2_000, timeoutMs: 60_000 };

interface Failure {
  action: 'checkout' | 'portal' | 'switch';
  error: unknown;
}

const FAILURE_TITLE: Record<Failure['action'], string> = {
  checkout: "Couldn't start checkout",
  portal: "Couldn't open the billing portal",
  switch: "Couldn't change the plan",
};

export function BillingPanel({
  confirmation = CHECKOUT_CONFIRMATION,
}: {
  /** Tests shorten the wait. */
  confirmation?: { pollMs: number; timeoutMs: number };
}) {
  const [params, setParams] = useSearchParams();
  const outcome = checkoutOutcome(params);
  const awaitingUpgrade = outcome === 'success';
  const [timedOut, setTimedOut] = useState(false);

  useEffect(() => {
    if (!awaitingUpgrade) return undefined;
    const timer = setTimeout(() => setTimedOut(true), confirmation.timeoutMs);
    return () => clearTimeout(timer);
  }, [awaitingUpgrade, confirmation.timeoutMs]);

  const { id: accountId } = useActiveAccount();
  const me = useQuery({
    ...summaryQueryOptions(accountId),
    refetchInterval: (query) =>
      awaitingUpgrade && !timedOut && query.state.data?.account.plan_tier === 'free'
        ? confirmation.pollMs
        : false,
  });

  const checkout = useCreateCheckout();
  const portal = useCreatePortal();
  const switchPlan = useChangePlan();
  const [pending, setPending] = useState<BillingAction | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [cancelOpen, setCancelOpen] = useState(false);
  const creditsReturn = params.get('credits');

  // Back from Checkout with the browser's back button, the page may be restored as it was left.
  useEffect(() => {
    const reset = (event: PageTransitionEvent) => {
      if (event.persisted) setPending(null);
    };
    window.addEventListener('pageshow', reset);
    return () => window.removeEventListener('pageshow', reset);
  }, []);

  function fail(action: Failure['action']) {
    return (error: unknown) => {
      setPending(null);
      setFailure({ action, error });
      // The plan may have changed behind this page (e.g. paid in another tab).
      void me.refetch();
    };
  }

  function upgrade(tier: PaidPlanTier) {
    setFailure(null);
    setPending(tier);
    checkout.mutate({ plan: tier }, { onSuccess: ({ url }) => leaveTo(url), onError: fail('checkout') });
  }

  function change(tier: PaidPlanTier) {
    setFailure(null);
    setPending(tier);
    switchPlan.mutate({ plan: tier }, { onSuccess: () => setPending(null), onError: fail('switch') });
  }

  function manage() {
    setFailure(null);
    setPending('portal');
    portal.mutate(undefined, { onSuccess: ({ url }) => leaveTo(url), onError: fail('portal') });
  }

  function dismissCheckoutNotice() {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete('checkout');
        next.delete('session_id');
        return next;
      },
      { replace: true },
    );
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

  const problem = failure ? describeBillingError(failure.error) : null;
  const { account } = me.data;
  const canManage = can(account.role, 'manage_billing');
  const subscribed = account.plan_tier !== 'free' && account.has_billing_account;
  return (
    <div className="space-y-8">
      {creditsReturn === 'canceled' && (
        <Notice role="status" tone="neutral" title="Checkout canceled">
          You haven’t been charged, and no credits were added.
        </Notice>
      )}
      {outcome && (
        <CheckoutReturnNotice
          outcome={outcome}
          me={me.data}
          timedOut={timedOut}
          checking={me.isFetching}
          sessionId={params.get('session_id')}
          onCheckAgain={() => void me.refetch()}
          onDismiss={dismissCheckoutNotice}
        />
      )}
      {failure && problem && (
        <Notice
          role="alert"
          tone="danger"
          title={FAILURE_TITLE[failure.action]}
          action={
            <>
              {problem.offerPortal && canManage && me.data.account.has_billing_account && (
                <Button variant="secondary" size="sm" onClick={manage} loading={pending === 'portal'}>
                  {pending !== 'portal' && <ExternalLink className="size-4" aria-hidden />}
                  Manage billing
                </Button>
              )}
              <Button variant="ghost" size="sm" onClick={() => setFailure(null)}>
                <X className="size-4" aria-hidden />
                Dismiss
              </Button>
            </>
          }
        >
          {problem.message}
        </Notice>
      )}
      <CurrentPlanCard
        me={me.data}
        canManage={canManage}
        onManage={manage}
        managing={pending === 'portal'}
        manageDisabled={pending !== null}
        actions={
          canManage && subscribed ? (
            <SubscriptionActions
              account={account}
              cancelOpen={cancelOpen}
              onCancelOpenChange={setCancelOpen}
            />
          ) : undefined
        }
      />
      {canManage && subscribed && <UpcomingInvoiceCard />}
      {/* min-w-0: a grid item may be narrower than its content, which scrolls inside it instead. */}
      <div className="grid gap-6 lg:grid-cols-2 [&>*]:min-w-0">
        <CreditsCard
          canBuy={canManage}
          awaitingPayment={creditsReturn === 'success'}
          confirmation={{ pollMs: confirmation.pollMs }}
        />
        <OverageSettingsCard account={account} canManage={canManage} />
      </div>
      {canManage && account.has_billing_account && <InvoicesCard />}
      <section aria-labelledby="plans-title">
        <h2 id="plans-title" className="mb-1 text-base font-semibold text-zinc-900">
          Plans
        </h2>
        <p className="mb-4 text-sm text-zinc-500">
          Limits apply to the whole account and are shared by all its keys. Payments are handled by Stripe;
          you can cancel at any time.
        </p>
        {me.data.account.plan_tier !== 'free' && !me.data.account.has_billing_account && (
          <Notice tone="neutral" className="mb-4">
            This account’s plan was set up without a Stripe subscription, so it can’t be changed here. Contact
            support to change it.
          </Notice>
        )}
        <PlanComparison
          current={account.plan_tier}
          canManage={canManage && account.has_billing_account}
          readOnly={!canManage}
          onUpgrade={upgrade}
          onSwitch={change}
          onDowngrade={() => setCancelOpen(true)}
          pending={pending}
        />
      </section>
    </div>
  );
}
