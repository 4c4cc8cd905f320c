import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import {
  MAX_ALERT_RECIPIENTS,
  MAX_QUOTA_THRESHOLDS,
  alertSettingsRequestSchema,
  type AlertSettings,
} from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { Checkbox, Field, Input } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { describeError } from '@/lib/api-error';
import { apiErrorField, type FieldErrors } from '@/lib/form';
import { useUpdateAlertSettings } from '@/features/alerts/api/update-alert-settings';

type SettingsField = 'quota_thresholds' | 'low_credits_units' | 'email' | 'form';

const MESSAGES: Record<Exclude<SettingsField, 'form'>, string> = {
  quota_thresholds: `Enter up to ${MAX_QUOTA_THRESHOLDS} different whole percentages from 1 to 100, such as 80, 100.`,
  low_credits_units: 'Enter a whole number of units, or leave it blank for no low-credits alert.',
  email: `Enter up to ${MAX_ALERT_RECIPIENTS} different email addresses, separated by commas.`,
};

/** Words a person typed, split on commas, spaces or new lines. */
function listOf(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** "80, 100" or "80% 100%": percentages; anything else becomes NaN, which the schema refuses. */
function thresholdsOf(text: string): number[] {
  return listOf(text).map((part) => (/^\d+%?$/.test(part) ? Number(part.replace('%', '')) : Number.NaN));
}

function unitsOf(text: string): number | null {
  const digits = text.replace(/[\s,_]/g, '');
  return digits === '' ? null : /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
}

function errorsOf(error: z.ZodError): FieldErrors<SettingsField> {
  const errors: FieldErrors<SettingsField> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field === 'quota_thresholds' || field === 'low_credits_units' || field === 'email')
      errors[field] ??= MESSAGES[field];
    else errors.form ??= issue.message;
  }
  return errors;
}

/** Thresholds and the email channel: what fires, and who gets the mail. */
export function AlertSettingsCard({ settings, mayManage }: { settings: AlertSettings; mayManage: boolean }) {
  const update = useUpdateAlertSettings();
  const notify = useToast();
  const [thresholds, setThresholds] = useState(settings.quota_thresholds.join(', '));
  const [lowCredits, setLowCredits] = useState(
    settings.low_credits_units === null ? '' : String(settings.low_credits_units),
  );
  const [emailEnabled, setEmailEnabled] = useState(settings.email.enabled);
  const [recipients, setRecipients] = useState(settings.email.recipients.join(', '));
  const [errors, setErrors] = useState<FieldErrors<SettingsField>>({});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = alertSettingsRequestSchema.safeParse({
      quota_thresholds: thresholdsOf(thresholds),
      low_credits_units: unitsOf(lowCredits),
      email: { enabled: emailEnabled, recipients: listOf(recipients) },
    });
    if (!parsed.success) {
      setErrors(errorsOf(parsed.error));
      return;
    }
    setErrors({});
    update.mutate(parsed.data, {
      onSuccess: (saved) => {
        // As stored: thresholds sorted, addresses trimmed.
        setThresholds(saved.quota_thresholds.join(', '));
        setRecipients(saved.email.recipients.join(', '));
        notify({ tone: 'success', title: 'Alert settings saved' });
      },
      onError: (failure) => {
        const field = apiErrorField(failure);
        const named = ['quota_thresholds', 'low_credits_units', 'recipients'].includes(field ?? '');
        setErrors(
          named
            ? { [field === 'recipients' ? 'email' : (field ?? 'form')]: describeError(failure) }
            : { form: describeError(failure) },
        );
      },
    });
  }

  return (
    <Card aria-labelledby="alert-settings-title">
      <CardHeader
        titleId="alert-settings-title"
        title="Thresholds and email"
        description="Each alert fires once per month and threshold, in the bell above, by email and to your webhook."
      />
      <CardContent>
        <form onSubmit={submit} noValidate className="space-y-5">
          {errors.form && (
            <p role="alert" className="rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
              {errors.form}
            </p>
          )}
          <fieldset disabled={!mayManage || update.isPending} className="grid gap-5 sm:grid-cols-2">
            <Field
              label="Quota alerts (% of the monthly quota)"
              hint="Blank: none. Up to five, e.g. 50, 80, 100."
              error={errors.quota_thresholds}
            >
              {(props) => (
                <Input
                  {...props}
                  value={thresholds}
                  onChange={(event) => setThresholds(event.target.value)}
                  inputMode="numeric"
                  autoComplete="off"
                />
              )}
            </Field>
            <Field
              label="Low credits (units left)"
              hint="Alert when the credit balance falls to this. Blank: no alert."
              error={errors.low_credits_units}
            >
              {(props) => (
                <Input
                  {...props}
                  value={lowCredits}
                  onChange={(event) => setLowCredits(event.target.value)}
                  inputMode="numeric"
                  placeholder="No alert"
                  autoComplete="off"
                />
              )}
            </Field>
            <Checkbox
              className="sm:col-span-2"
              label="Send alerts by email"
              description="Spend-cap and key-cap alerts are sent too."
              checked={emailEnabled}
              onChange={(event) => setEmailEnabled(event.target.checked)}
            />
            <Field
              className="sm:col-span-2"
              label="Email recipients"
              hint="Blank: the account’s owner. Up to five, separated by commas."
              error={errors.email}
            >
              {(props) => (
                <Input
                  {...props}
                  type="text"
                  value={recipients}
                  onChange={(event) => setRecipients(event.target.value)}
                  placeholder="The account’s owner"
                  autoComplete="off"
                  disabled={!emailEnabled || !mayManage || update.isPending}
                />
              )}
            </Field>
          </fieldset>
          {mayManage ? (
            <div className="flex justify-end">
              <Button type="submit" loading={update.isPending}>
                Save alert settings
              </Button>
            </div>
          ) : (
            <p className="text-sm text-zinc-500">
              Only the account’s owners and admins can change its alerts.
            </p>
          )}
        </form>
      </CardContent>
    </Card>
  );
}
