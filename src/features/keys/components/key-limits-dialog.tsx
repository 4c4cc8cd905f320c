import { AlertCircle } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { z } from 'zod';
import {
  KEY_CAP_MONTHLY_MAX,
  KEY_CAP_PER_MINUTE_MAX,
  updateKeyRequestSchema,
  type AccountUsage,
  type ApiKey,
  type UpdateKeyRequest,
} from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog';
import { KeyFormDialog } from '@/features/keys/components/key-form-dialog';
import { Field, Input } from '@/components/ui/form';
import { Notice } from '@/components/ui/notice';
import { useToast } from '@/components/ui/toast';
import { useSummary } from '@/lib/api/get-summary';
import { describeError } from '@/lib/api-error';
import { apiErrorField, type FieldErrors } from '@/lib/form';
import { formatCount, formatNumber } from '@/lib/format';
import { useUpdateKey } from '@/features/keys/api/update-key';

type CapField = 'cap_monthly' | 'cap_per_minute';
const CAP_FIELDS: readonly CapField[] = ['cap_monthly', 'cap_per_minute'];

const CAPS: Record<
  CapField,
  { label: string; unit: string; max: number; accountLimit: (usage: AccountUsage) => number }
> = {
  cap_monthly: {
    label: 'Monthly cap',
    unit: 'units a month',
    max: KEY_CAP_MONTHLY_MAX,
    accountLimit: (usage) => usage.quota,
  },
  cap_per_minute: {
    label: 'Per-minute cap',
    unit: 'calls a minute',
    max: KEY_CAP_PER_MINUTE_MAX,
    accountLimit: (usage) => usage.per_minute_limit,
  },
};

/**
 * A cap field's text as the contract's body wants it: blank is "no cap" (null); thousands
 * separators and spaces are ignored. Anything else that is not a number becomes NaN, which the
 * schema refuses: a text input is used rather than `type="number"`, whose browsers report a
 * half-typed "5k" as an empty value, which would silently mean "no cap".
 */
function capValue(text: string): number | null {
  const digits = text.replace(/[\s,_]/g, '');
  return digits === '' ? null : Number(digits);
}

function capText(value: number | null): string {
  return value === null ? '' : String(value);
}

/** The contract's refusals in words for a person typing a number. */
function capErrors(error: z.ZodError): FieldErrors<CapField | 'form'> {
  const errors: FieldErrors<CapField | 'form'> = {};
  for (const issue of error.issues) {
    const field = issue.path[0];
    if (field !== 'cap_monthly' && field !== 'cap_per_minute') {
      errors.form ??= issue.message;
      continue;
    }
    errors[field] ??=
      issue.code === 'too_small'
        ? 'A cap is at least 1. Leave it blank for no cap.'
        : issue.code === 'too_big'
          ? `A cap is at most ${formatNumber(CAPS[field].max)}.`
          : 'Enter a whole number, or leave it blank for no cap.';
  }
  return errors;
}

function LimitsForm({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const updateKey = useUpdateKey();
  const me = useSummary();
  const notify = useToast();
  const [text, setText] = useState<Record<CapField, string>>({
    cap_monthly: capText(apiKey.cap_monthly),
    cap_per_minute: capText(apiKey.cap_per_minute),
  });
  const [errors, setErrors] = useState<FieldErrors<CapField | 'form'>>({});
  const usage = me.data?.usage;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // Only what changed is sent, so a cap someone else set meanwhile on the other field stays.
    const changed: Record<string, number | null> = {};
    for (const field of CAP_FIELDS) {
      const value = capValue(text[field]);
      if (!Object.is(value, apiKey[field])) changed[field] = value;
    }
    if (Object.keys(changed).length === 0) {
      onDone();
      return;
    }
    const parsed = updateKeyRequestSchema.safeParse(changed);
    if (!parsed.success) {
      setErrors(capErrors(parsed.error));
      return;
    }
    setErrors({});
    const body: UpdateKeyRequest = parsed.data;
    updateKey.mutate(
      { id: apiKey.id, body },
      {
        onSuccess: (key) => {
          notify({ tone: 'success', title: `Limits saved for “${key.label}”` });
          onDone();
        },
        onError: (failure) => {
          const field = apiErrorField(failure);
          setErrors(
            field === 'cap_monthly' || field === 'cap_per_minute'
              ? { [field]: describeError(failure) }
              : { form: describeError(failure) },
          );
        },
      },
    );
  }

  function hint(field: CapField): string {
    const cap = CAPS[field];
    if (!usage) return `Blank: no cap. At most ${formatNumber(cap.max)}.`;
    const accountLimit = cap.accountLimit(usage);
    const value = capValue(text[field]);
    if (value !== null && Number.isFinite(value) && value >= accountLimit) {
      return `Not below the account’s ${formatNumber(accountLimit)} ${cap.unit}, so it changes nothing.`;
    }
    return `Blank: no cap. The account allows ${formatNumber(accountLimit)} ${cap.unit}.`;
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {errors.form && (
        <p role="alert" className="flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {errors.form}
        </p>
      )}
      <Notice tone="neutral" title="The account’s limits still apply">
        A cap can only make this key’s limit tighter. The key is refused once it reaches its cap, or once the
        account reaches{' '}
        {usage
          ? `its ${formatNumber(usage.quota)} units a month or ${formatNumber(usage.per_minute_limit)} calls a minute`
          : 'its own limits'}
        , which all its keys share, whichever comes first. A rolled key keeps its caps.
      </Notice>
      <p className="text-sm text-zinc-600">
        This key used {formatCount(apiKey.monthly_usage, 'unit')} this month.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        {CAP_FIELDS.map((field) => (
          <Field
            key={field}
            label={`${CAPS[field].label} (${CAPS[field].unit})`}
            hint={hint(field)}
            error={errors[field]}
          >
            {(props) => (
              <Input
                {...props}
                inputMode="numeric"
                value={text[field]}
                onChange={(event) => setText((current) => ({ ...current, [field]: event.target.value }))}
                placeholder="No cap"
                autoComplete="off"
                autoFocus={field === 'cap_monthly'}
              />
            )}
          </Field>
        ))}
      </div>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={updateKey.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={updateKey.isPending}>
          Save limits
        </Button>
      </DialogFooter>
    </form>
  );
}

/** Per-key caps: tighter monthly and per-minute limits than the account's, or none. */
export function KeyLimitsDialog({
  apiKey,
  onOpenChange,
}: {
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <KeyFormDialog apiKey={apiKey} onOpenChange={onOpenChange} title={(key) => `Limits for “${key.label}”`}>
      {(key, done) => <LimitsForm apiKey={key} onDone={done} />}
    </KeyFormDialog>
  );
}
