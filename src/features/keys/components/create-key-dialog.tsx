import { AlertCircle } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import {
  INTEGRATIONS,
  INTEGRATION_LABELS,
  KEY_LABEL_MAX_LENGTH,
  SCOPES,
  SCOPE_DESCRIPTIONS,
  createKeyRequestSchema,
  integrationSchema,
  type CreateKeyResponse,
  type Scope,
} from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogFooter } from '@/components/ui/dialog';
import { Checkbox, Field, Input, Select, Textarea } from '@/components/ui/form';
import { describeError } from '@/lib/api-error';
import { fieldErrors, type FieldErrors } from '@/lib/form';
import { useCreateKey } from '@/features/keys/api/create-key';
import { SecretReveal } from '@/features/keys/components/secret-reveal';
import {
  METADATA_HINT,
  METADATA_PLACEHOLDER,
  apiErrorRoot,
  parseMetadataText,
} from '@/features/keys/key-metadata';

export const EXPIRY_OPTIONS = [
  { value: '', label: 'Never' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 1 year' },
] as const;

type FormField = 'label' | 'scopes' | 'expires_in_days' | 'integration' | 'metadata';
const FORM_FIELDS: readonly string[] = [
  'label',
  'scopes',
  'expires_in_days',
  'integration',
  'metadata',
] satisfies FormField[];

function isFormField(field: string | null): field is FormField {
  return field !== null && FORM_FIELDS.includes(field);
}

function CreateKeyForm({
  onCreated,
  onCancel,
}: {
  onCreated: (created: CreateKeyResponse) => void;
  onCancel: () => void;
}) {
  const createKey = useCreateKey();
  const [label, setLabel] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [expiry, setExpiry] = useState('');
  const [integration, setIntegration] = useState('');
  const [metadataText, setMetadataText] = useState('');
  const [errors, setErrors] = useState<FieldErrors<FormField>>({});

  function toggleScope(scope: Scope, checked: boolean) {
    setScopes((current) =>
      checked ? SCOPES.filter((s) => s === scope || current.includes(s)) : current.filter((s) => s !== scope),
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const metadata = parseMetadataText(metadataText);
    const chosen = integrationSchema.safeParse(integration);
    const parsed = createKeyRequestSchema.safeParse({
      label,
      scopes,
      ...(expiry ? { expires_in_days: Number(expiry) } : {}),
      ...(chosen.success ? { integration: chosen.data } : {}),
      ...(metadata.kind === 'valid' ? { metadata: metadata.metadata } : {}),
    });
    if (!parsed.success || metadata.kind === 'invalid') {
      setErrors({
        ...(parsed.success ? {} : fieldErrors<FormField>(parsed.error)),
        ...(metadata.kind === 'invalid' ? { metadata: metadata.error } : {}),
      });
      return;
    }
    setErrors({});
    createKey.mutate(parsed.data, {
      onSuccess: onCreated,
      onError: (error) => {
        const field = apiErrorRoot(error);
        if (isFormField(field)) setErrors({ [field]: describeError(error) });
      },
    });
  }

  const formError =
    createKey.isError && !isFormField(apiErrorRoot(createKey.error)) ? describeError(createKey.error) : null;

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {formError && (
        <p role="alert" className="flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {formError}
        </p>
      )}
      <Field
        label="Name"
        hint="Helps you tell keys apart, e.g. the app or server that uses it."
        error={errors.label}
      >
        {(props) => (
          <Input
            {...props}
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            maxLength={KEY_LABEL_MAX_LENGTH}
            placeholder="Production server"
            autoComplete="off"
            autoFocus
          />
        )}
      </Field>

      <fieldset aria-describedby={errors.scopes ? 'scopes-error' : undefined}>
        <legend className="text-sm font-medium text-zinc-800">Permissions</legend>
        <div className="mt-2 space-y-2.5">
          {SCOPES.map((scope) => (
            <Checkbox
              key={scope}
              label={scope}
              description={SCOPE_DESCRIPTIONS[scope]}
              checked={scopes.includes(scope)}
              onChange={(event) => toggleScope(scope, event.target.checked)}
            />
          ))}
        </div>
        {errors.scopes && (
          <p id="scopes-error" className="mt-1.5 text-xs font-medium text-rose-600">
            {errors.scopes}
          </p>
        )}
      </fieldset>

      <Field
        label="Expires"
        hint="An expiring key stops working on its own; you can revoke any key at any time."
        error={errors.expires_in_days}
      >
        {(props) => (
          <Select {...props} value={expiry} onChange={(event) => setExpiry(event.target.value)}>
            {EXPIRY_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field
        label="Integration"
        hint="Where the key is used. It is fixed for the key’s life, so usage can be broken down by it."
        error={errors.integration}
      >
        {(props) => (
          <Select {...props} value={integration} onChange={(event) => setIntegration(event.target.value)}>
            <option value="">None</option>
            {INTEGRATIONS.map((value) => (
              <option key={value} value={value}>
                {INTEGRATION_LABELS[value]}
              </option>
            ))}
          </Select>
        )}
      </Field>

      <Field label="Metadata" hint={METADATA_HINT} error={errors.metadata}>
        {(props) => (
          <Textarea
            {...props}
            value={metadataText}
            onChange={(event) => setMetadataText(event.target.value)}
            rows={3}
            placeholder={METADATA_PLACEHOLDER}
            spellCheck={false}
            autoComplete="off"
            className="font-mono text-[13px]"
          />
        )}
      </Field>

      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={createKey.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={createKey.isPending}>
          Create key
        </Button>
      </DialogFooter>
    </form>
  );
}

function CreateKeyDialogBody({ onClose }: { onClose: () => void }) {
  const [created, setCreated] = useState<CreateKeyResponse | null>(null);

  if (created) {
    return (
      <DialogContent
        title={`“${created.key.label}” is ready`}
        description="Use it in the Authorization header of your API calls."
        // A stray click outside must not throw away the only copy of the key; Escape still closes.
        onPointerDownOutside={(event) => event.preventDefault()}
      >
        <SecretReveal secret={created.secret} />
        <DialogFooter>
          <Button onClick={onClose}>I’ve saved my key</Button>
        </DialogFooter>
      </DialogContent>
    );
  }

  return (
    <DialogContent title="Create an API key" description="The key is shown once, right after you create it.">
      <CreateKeyForm onCreated={setCreated} onCancel={onClose} />
    </DialogContent>
  );
}

export function CreateKeyDialog({
  open,
  onOpenChange,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      {open && <CreateKeyDialogBody onClose={() => onOpenChange(false)} />}
    </Dialog>
  );
}
