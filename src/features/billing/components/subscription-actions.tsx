import { useState } from 'react';
import type { AccountSummary } from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { formatDate } from '@/lib/format';
import { useCancelSubscription } from '@/features/billing/api/cancel-subscription';
import { useResumeSubscription } from '@/features/billing/api/resume-subscription';
import { describeBillingError } from '@/features/billing/billing-errors';

/** Cancel at period end (confirmed first), or renew a plan set to end. */
export function SubscriptionActions({
  account,
  cancelOpen,
  onCancelOpenChange,
}: {
  account: AccountSummary;
  /** The dialog is also opened by "Downgrade to Free" among the plans. */
  cancelOpen: boolean;
  onCancelOpenChange: (open: boolean) => void;
}) {
  const cancel = useCancelSubscription();
  const resume = useResumeSubscription();
  const [failure, setFailure] = useState<unknown>(null);
  const plan = PLANS[account.plan_tier];
  const ends = account.current_period_end ? formatDate(account.current_period_end) : 'the end of the period';

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {account.cancel_at_period_end ? (
          <Button
            variant="secondary"
            loading={resume.isPending}
            onClick={() => {
              setFailure(null);
              resume.mutate(undefined, { onError: setFailure });
            }}
          >
            Resume {plan.name}
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => onCancelOpenChange(true)}>
            Cancel plan
          </Button>
        )}
      </div>
      {Boolean(failure) && (
        <Notice role="alert" tone="danger" title="Couldn't change the subscription">
          {describeBillingError(failure).message}
        </Notice>
      )}
      <ConfirmDialog
        open={cancelOpen}
        onOpenChange={onCancelOpenChange}
        title={`Cancel the ${plan.name} plan?`}
        description={`It stays active until ${ends} and is not renewed; then the account moves to the Free plan. You can resume it until then.`}
        confirmLabel="Cancel at period end"
        pending={cancel.isPending}
        onConfirm={() => {
          setFailure(null);
          cancel.mutate(undefined, {
            onSuccess: () => onCancelOpenChange(false),
            onError: (error) => {
              onCancelOpenChange(false);
              setFailure(error);
            },
          });
        }}
      />
    </div>
  );
}
