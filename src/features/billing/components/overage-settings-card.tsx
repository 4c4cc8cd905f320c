import { useState, type FormEvent } from 'react';
import { billingSettingsRequestSchema, type AccountSummary } from '@shared/contracts';
import { PLANS, type OverageMode } from '@shared/plans';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { Field, Input, SegmentedControl } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { useToast } from '@/components/ui/toast';
import { apiErrorField, fieldErrors, type FieldErrors } from '@/lib/form';
import { formatNumber } from '@/lib/format';
import { useUpdateBillingSettings } from '@/features/billing/api/update-billing-settings';
import { describeBillingError } from '@/features/billing/billing-errors';
import { formatMoney } from '@/features/billing/money';

type SettingsField = 'overage' | 'spend_cap_cents';

const MODES: readonly { value: OverageMode; label: string }[] = [
  { value: 'stop', label: 'Stop at the limit' },
  { value: 'allow', label: 'Allow overage' },
];

/** "25" or "25.50" dollars to cents; empty is no cap; anything else is left for the schema to refuse. */
function capCents(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^\d+(\.\d{1,2})?$/.test(trimmed) ? Math.round(Number(trimmed) * 100) : Number.NaN;
}

/**
 * What calls do beyond the plan's included units (and the credits): stop with 429, or go on as
 * overage billed per 1,000 units on the monthly invoice, up to an optional monthly spend cap.
 * Only paid plans have overage; the API applies a change with its next lease (seconds).
 */
export function OverageSettingsCard({ account, canManage }: { account: AccountSummary; canManage: boolean }) {
  const plan = PLANS[account.plan_tier];
  const price = plan.overage_cents_per_1000;
  const saved = account.billing_settings;
  const [mode, setMode] = useState<OverageMode>(saved.overage);
  const [cap, setCap] = useState(saved.spend_cap_cents === null ? '' : String(saved.spend_cap_cents / 100));
  const [errors, setErrors] = useState<FieldErrors<SettingsField>>({});
  const [failure, setFailure] = useState<unknown>(null);
  const update = useUpdateBillingSettings();
  const notify = useToast();

  function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    const parsed = billingSettingsRequestSchema.safeParse({ overage: mode, spend_cap_cents: capCents(cap) });
    if (!parsed.success) {
      setErrors(fieldErrors<SettingsField>(parsed.error));
      return;
    }
    setErrors({});
    update.mutate(parsed.data, {
      onSuccess: () => notify({ tone: 'success', title: 'Overage settings saved' }),
      onError: (error) => {
        const field = apiErrorField(error);
        if (field === 'overage' || field === 'spend_cap_cents')
          setErrors({ [field]: describeBillingError(error).message });
        else setFailure(error);
      },
    });
  }

  return (
    <Card aria-labelledby="overage-title">
      <CardHeader
        titleId="overage-title"
        title="Beyond the included units"
        description={`Your plan includes ${formatNumber(plan.monthly_limit)} units a month; prepaid credits are used next.`}
      />
      <CardContent>
        {price === null ? (
          <p className="text-sm text-zinc-600">
            The {plan.name} plan stops calls at its included units (429 quota_exceeded), or at the end of your
            credits. Upgrade to a paid plan to allow overage.
          </p>
        ) : (
          <form onSubmit={submit} className="space-y-4" aria-label="Overage settings">
            <SegmentedControl
              label="When the included units and credits are used up"
              value={mode}
              onChange={setMode}
              options={MODES}
            />
            <p className="text-sm text-zinc-600">
              {mode === 'allow'
                ? `Calls go on, billed at ${formatMoney(price)} per 1,000 units on your monthly invoice.`
                : 'Calls are refused with 429 quota_exceeded until the month ends.'}
            </p>
            {mode === 'allow' && (
              <Field
                label="Monthly spend cap (USD)"
                hint="Optional. Once overage reaches it, calls are refused with 402 spend_cap_reached."
                error={errors.spend_cap_cents}
              >
                {(props) => (
                  <Input
                    {...props}
                    inputMode="decimal"
                    placeholder="No cap"
                    value={cap}
                    onChange={(event) => setCap(event.target.value)}
                    disabled={!canManage}
                    className="max-w-40"
                  />
                )}
              </Field>
            )}
            {errors.overage && (
              <p role="alert" className="text-sm font-medium text-rose-600">
                {errors.overage}
              </p>
            )}
            {Boolean(failure) && (
              <Notice role="alert" tone="danger" title="Couldn't save the overage settings">
                {describeBillingError(failure).message}
              </Notice>
            )}
            {canManage && (
              <Button type="submit" loading={update.isPending}>
                Save
              </Button>
            )}
          </form>
        )}
      </CardContent>
    </Card>
  );
}
