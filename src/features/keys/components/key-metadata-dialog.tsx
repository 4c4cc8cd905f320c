import { AlertCircle } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import type { ApiKey } from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog';
import { Field, Textarea } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { describeError } from '@/lib/api-error';
import { useUpdateKey } from '@/features/keys/api/update-key';
import { KeyFormDialog } from '@/features/keys/components/key-form-dialog';
import {
  METADATA_HINT,
  METADATA_PLACEHOLDER,
  apiErrorRoot,
  metadataText,
  parseMetadataText,
} from '@/features/keys/key-metadata';

const MONOSPACE = 'font-mono text-[13px]';

function MetadataForm({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const updateKey = useUpdateKey();
  const notify = useToast();
  const [text, setText] = useState(() => metadataText(apiKey.metadata));
  const [errors, setErrors] = useState<{ metadata?: string; form?: string }>({});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = parseMetadataText(text);
    if (input.kind === 'invalid') {
      setErrors({ metadata: input.error });
      return;
    }
    // A blank field (or {}) clears the metadata; PATCH replaces it whole.
    const metadata = input.kind === 'valid' ? input.metadata : null;
    if (metadataText(metadata) === metadataText(apiKey.metadata)) {
      onDone();
      return;
    }
    setErrors({});
    updateKey.mutate(
      { id: apiKey.id, body: { metadata } },
      {
        onSuccess: (key) => {
          notify({
            tone: 'success',
            title:
              metadata === null ? `Metadata cleared for “${key.label}”` : `Metadata saved for “${key.label}”`,
          });
          onDone();
        },
        onError: (failure) =>
          setErrors(
            apiErrorRoot(failure) === 'metadata'
              ? { metadata: describeError(failure) }
              : { form: describeError(failure) },
          ),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {errors.form && (
        <p role="alert" className="flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {errors.form}
        </p>
      )}
      <Field label="Metadata" hint={`${METADATA_HINT} Leave it blank to remove it.`} error={errors.metadata}>
        {(props) => (
          <Textarea
            {...props}
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={8}
            placeholder={METADATA_PLACEHOLDER}
            spellCheck={false}
            autoComplete="off"
            autoFocus
            className={MONOSPACE}
          />
        )}
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={updateKey.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={updateKey.isPending}>
          Save metadata
        </Button>
      </DialogFooter>
    </form>
  );
}

/** What a role that may not change the key sees: the metadata, read-only. */
function MetadataView({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const text = metadataText(apiKey.metadata);
  return (
    <div className="space-y-5">
      {text === '' ? (
        <p className="text-sm text-zinc-600">This key has no metadata.</p>
      ) : (
        <Field
          label="Metadata"
          hint="Only the key’s creator and the account’s owner and admins can change it."
        >
          {(props) => (
            <Textarea {...props} value={text} readOnly rows={8} spellCheck={false} className={MONOSPACE} />
          )}
        </Field>
      )}
      <DialogFooter>
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </DialogFooter>
    </div>
  );
}

/**
 * A key's metadata, which `POST /v1/keys/verify` returns with the key: edited as JSON by those
 * who may manage the key, read by everyone else who can see it.
 */
export function KeyMetadataDialog({
  apiKey,
  readOnly,
  onOpenChange,
}: {
  apiKey: ApiKey | null;
  readOnly: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <KeyFormDialog apiKey={apiKey} onOpenChange={onOpenChange} title={(key) => `Metadata of “${key.label}”`}>
      {(key, done) =>
        readOnly ? <MetadataView apiKey={key} onDone={done} /> : <MetadataForm apiKey={key} onDone={done} />
      }
    </KeyFormDialog>
  );
}
