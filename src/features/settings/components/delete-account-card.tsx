import { useState } from 'react';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/form';
import { describeError } from '@/lib/api-error';
import { useAuth } from '@/lib/auth';
import { useDeleteAccount } from '@/features/settings/api/delete-account';

export const DELETE_CONFIRMATION = 'delete my account';

export function DeleteAccountCard() {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const deleteAccount = useDeleteAccount();
  const { signOut } = useAuth();
  const confirmed = typed.trim().toLowerCase() === DELETE_CONFIRMATION;

  function confirmDelete() {
    if (confirmed) deleteAccount.mutate(undefined, { onSuccess: () => void signOut('account-deleted') });
  }

  function changeOpen(next: boolean) {
    setOpen(next);
    if (!next) {
      setTyped('');
      deleteAccount.reset();
    }
  }

  return (
    <Card aria-labelledby="delete-title" className="ring-rose-200">
      <CardHeader
        titleId="delete-title"
        title="Delete your account"
        description="Revokes every key at once and erases your profile and usage history. Paid subscriptions are cancelled. This cannot be undone."
        className="pb-5"
        action={
          <Button variant="danger-outline" onClick={() => changeOpen(true)}>
            Delete account
          </Button>
        }
      />
      <ConfirmDialog
        open={open}
        onOpenChange={changeOpen}
        title="Delete your account?"
        confirmLabel="Delete my account"
        confirmDisabled={!confirmed}
        pending={deleteAccount.isPending}
        onConfirm={confirmDelete}
        description={
          <p>
            All your API keys stop working immediately, and your usage history is erased. Export your data
            first if you want to keep a copy.
          </p>
        }
      >
        <form
          className="mt-4"
          onSubmit={(event) => {
            event.preventDefault();
            confirmDelete();
          }}
        >
          <Field
            label={
              <>
                To confirm, type{' '}
                <span className="font-mono font-semibold text-rose-700">{DELETE_CONFIRMATION}</span>
              </>
            }
          >
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
        </form>
        {deleteAccount.isError && (
          <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
            {describeError(deleteAccount.error)}
          </p>
        )}
      </ConfirmDialog>
    </Card>
  );
}
