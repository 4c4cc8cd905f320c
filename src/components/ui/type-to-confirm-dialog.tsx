import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Field, Input } from '@/components/ui/form';

/**
 * A confirmation for what cannot be undone (deleting an account or a team): the confirm button
 * stays disabled until the person types `phrase`. What was typed is forgotten when it closes.
 */
export function TypeToConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  confirmLabel,
  phrase,
  ignoreCase = false,
  label,
  pending,
  onConfirm,
  error,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: string;
  phrase: string;
  ignoreCase?: boolean;
  label: ReactNode;
  pending: boolean;
  onConfirm: () => void;
  /** Shown under the field, e.g. why the last attempt failed. */
  error?: ReactNode;
}) {
  const [typed, setTyped] = useState('');
  const normal = (text: string) => (ignoreCase ? text.trim().toLowerCase() : text.trim());
  const confirmed = normal(typed) === normal(phrase);

  function change(next: boolean) {
    if (!next) setTyped('');
    onOpenChange(next);
  }

  function confirm() {
    if (confirmed) onConfirm();
  }

  return (
    <ConfirmDialog
      open={open}
      onOpenChange={change}
      title={title}
      confirmLabel={confirmLabel}
      confirmDisabled={!confirmed}
      pending={pending}
      onConfirm={confirm}
      description={description}
    >
      <form
        className="mt-4"
        onSubmit={(event) => {
          event.preventDefault();
          confirm();
        }}
      >
        <Field label={label}>
          {(props) => (
            <Input
              {...props}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        {error}
      </form>
    </ConfirmDialog>
  );
}
