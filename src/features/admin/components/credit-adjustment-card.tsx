import { useState, type FormEvent } from 'react';
import { creditAdjustmentRequestSchema } from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { useToast } from '@/components/ui/toast';
import { ApiError } from '@/lib/api-error';
import { apiErrorField, fieldErrors, type FieldErrors } from '@/lib/form';
import { formatNumber } from '@/lib/format';
import { useAdjustCredits } from '@/features/admin/api/adjust-credits';

type AdjustmentField = 'account' | 'units' | 'reason';

/** A fresh id per adjustment, kept across retries of the same one so it applies once. */
function newAdjustmentId(): string {
  return `adj_${crypto.randomUUID().replaceAll('-', '')}`;
}

/**
 * Adds prepaid credits to an account, or takes unused ones back (never below a zero balance),
 * with a reason its holder sees in Billing's ledger and the data export.
 */
export function CreditAdjustmentCard() {
  const [account, setAccount] = useState('');
  const [units, setUnits] = useState('');
  const [reason, setReason] = useState('');
  const [adjustmentId, setAdjustmentId] = useState(newAdjustmentId);
  const [errors, setErrors] = useState<FieldErrors<AdjustmentField>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const adjust = useAdjustCredits();
  const notify = useToast();

  function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    const accountId = account.trim();
    const parsed = creditAdjustmentRequestSchema.safeParse({
      id: adjustmentId,
      units: units.trim() === '' ? Number.NaN : Number(units),
      reason,
    });
    const problems: FieldErrors<AdjustmentField> = parsed.success ? {} : fieldErrors(parsed.error);
    if (accountId === '') problems.account = 'Enter the account id';
    setErrors(problems);
    if (!parsed.success || accountId === '') return;
    adjust.mutate(
      { accountId, body: parsed.data },
      {
        onSuccess: (result) => {
          notify({
            tone: 'success',
            title: result.applied ? 'Credits adjusted' : 'Already applied',
            description: `The balance of ${accountId} is ${formatNumber(result.balance)} credits.`,
          });
          setUnits('');
          setReason('');
          setAdjustmentId(newAdjustmentId());
        },
        onError: (error) => {
          const field = apiErrorField(error);
          if (field === 'units' || field === 'reason') setErrors({ [field]: error.message });
          else if (error instanceof ApiError && error.code === 'not_found')
            setErrors({ account: 'No account has this id' });
          else if (error instanceof ApiError && error.code === 'conflict' && error.field === 'units')
            setErrors({ units: error.message });
          else setFailure(error instanceof Error ? error.message : 'The adjustment failed.');
        },
      },
    );
  }

  return (
    <Card aria-labelledby="credit-adjustment-title">
      <CardHeader
        titleId="credit-adjustment-title"
        title="Adjust credits"
        description="Add prepaid credits to an account, or take unused ones back. Its holder sees the reason in Billing."
      />
      <CardContent>
        <form onSubmit={submit} className="grid gap-4 sm:grid-cols-3" aria-label="Credit adjustment">
          <Field label="Account id" error={errors.account}>
            {(props) => (
              <Input
                {...props}
                value={account}
                onChange={(event) => setAccount(event.target.value)}
                className="font-mono"
                autoComplete="off"
              />
            )}
          </Field>
          <Field label="Units" hint="Negative to take credits back" error={errors.units}>
            {(props) => (
              <Input
                {...props}
                inputMode="numeric"
                value={units}
                onChange={(event) => setUnits(event.target.value)}
                placeholder="5000"
              />
            )}
          </Field>
          <Field label="Reason" error={errors.reason}>
            {(props) => (
              <Input
                {...props}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                placeholder="Goodwill after the outage on 1 Dec"
              />
            )}
          </Field>
          {failure !== null && (
            <Notice role="alert" tone="danger" title="Couldn't adjust the credits" className="sm:col-span-3">
              {failure}
            </Notice>
          )}
          <div className="sm:col-span-3">
            <Button type="submit" loading={adjust.isPending}>
              Apply adjustment
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}
