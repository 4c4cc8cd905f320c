import { RotateCw, X } from 'lucide-react';
import type { AccountResponse } from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Spinner } from '@/components/ui/spinner';
import { formatNumber } from '@/lib/format';

/** How the visitor came back from Stripe Checkout (`?checkout=` on the return URL). */
export type CheckoutOutcome = 'success' | 'canceled';

export function checkoutOutcome(params: URLSearchParams): CheckoutOutcome | null {
  const value = params.get('checkout');
  return value === 'success' || value === 'canceled' ? value : null;
}

function DismissButton({ onDismiss }: { onDismiss: () => void }) {
  return (
    <Button variant="ghost" size="sm" onClick={onDismiss}>
      <X className="size-4" aria-hidden />
      Dismiss
    </Button>
  );
}

/**
 * Back from Checkout, the plan changes only when Stripe's webhook reaches Keymeter, usually
 * within seconds. Until then the page says the payment is being confirmed (and keeps asking);
 * if that takes long it says so calmly, so nobody pays twice.
 */
export function CheckoutReturnNotice({
  outcome,
  me,
  timedOut,
  checking,
  sessionId,
  onCheckAgain,
  onDismiss,
}: {
  outcome: CheckoutOutcome;
  me: AccountResponse;
  timedOut: boolean;
  checking: boolean;
  sessionId: string | null;
  onCheckAgain: () => void;
  onDismiss: () => void;
}) {
  if (outcome === 'canceled') {
    return (
      <Notice
        role="status"
        tone="neutral"
        title="Checkout canceled"
        action={<DismissButton onDismiss={onDismiss} />}
      >
        You haven’t been charged, and your plan hasn’t changed.
      </Notice>
    );
  }

  const plan = PLANS[me.account.plan_tier];
  if (me.account.plan_tier !== 'free') {
    return (
      <Notice
        role="status"
        tone="success"
        title={`You’re on the ${plan.name} plan`}
        action={<DismissButton onDismiss={onDismiss} />}
      >
        Thanks for upgrading! Your account now has {plan.name}’s limits, shared by all your keys:{' '}
        {formatNumber(plan.monthly_limit)} units a month and {formatNumber(plan.per_minute_limit)} calls a
        minute.
      </Notice>
    );
  }

  if (timedOut) {
    return (
      <Notice
        role="status"
        tone="info"
        title="Your upgrade is taking longer than usual"
        action={
          <Button variant="secondary" size="sm" onClick={onCheckAgain} loading={checking}>
            {!checking && <RotateCw className="size-4" aria-hidden />}
            Check again
          </Button>
        }
      >
        Checkout went through, but Stripe hasn’t confirmed the payment to us yet. There’s no need to pay
        again: your plan changes here as soon as the confirmation arrives. If it still shows Free in a few
        minutes, contact support
        {sessionId ? (
          <>
            {' '}
            with your checkout reference <code className="font-mono text-xs break-all">{sessionId}</code>
          </>
        ) : null}
        .
      </Notice>
    );
  }

  return (
    <Notice
      role="status"
      tone="info"
      icon={<Spinner className="size-5" />}
      title="Payment received, confirming your upgrade…"
    >
      Stripe is letting us know about your payment. This usually takes a few seconds, and this page updates by
      itself.
    </Notice>
  );
}
