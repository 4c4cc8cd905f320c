import { useState, type FormEvent } from 'react';
import { KEY_LABEL_MAX_LENGTH, updateKeyRequestSchema, type ApiKey } from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { DialogFooter } from '@/components/ui/dialog';
import { KeyFormDialog } from '@/features/keys/components/key-form-dialog';
import { Field, Input } from '@/components/ui/form';
import { useToast } from '@/components/ui/toast';
import { describeError } from '@/lib/api-error';
import { fieldErrors } from '@/lib/form';
import { useUpdateKey } from '@/features/keys/api/update-key';

function RenameForm({ apiKey, onDone }: { apiKey: ApiKey; onDone: () => void }) {
  const updateKey = useUpdateKey();
  const notify = useToast();
  const [label, setLabel] = useState(apiKey.label);
  const [error, setError] = useState<string | undefined>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = updateKeyRequestSchema.safeParse({ label });
    if (!parsed.success) {
      setError(fieldErrors<'label'>(parsed.error).label);
      return;
    }
    if (parsed.data.label === apiKey.label) {
      onDone();
      return;
    }
    updateKey.mutate(
      { id: apiKey.id, body: parsed.data },
      {
        onSuccess: (key) => {
          notify({ tone: 'success', title: `Renamed to “${key.label}”` });
          onDone();
        },
        onError: (failure) => setError(describeError(failure)),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate>
      <Field label="Name" error={error}>
        {(props) => (
          <Input
            {...props}
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            maxLength={KEY_LABEL_MAX_LENGTH}
            autoComplete="off"
            autoFocus
          />
        )}
      </Field>
      <DialogFooter>
        <Button variant="secondary" onClick={onDone} disabled={updateKey.isPending}>
          Cancel
        </Button>
        <Button type="submit" loading={updateKey.isPending}>
          Save
        </Button>
      </DialogFooter>
    </form>
  );
}

export function RenameKeyDialog({
  apiKey,
  onOpenChange,
}: {
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  return (
    <KeyFormDialog apiKey={apiKey} onOpenChange={onOpenChange} title={() => 'Rename key'}>
      {(key, done) => <RenameForm apiKey={key} onDone={done} />}
    </KeyFormDialog>
  );
}
