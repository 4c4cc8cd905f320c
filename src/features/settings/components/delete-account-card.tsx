import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { TypeToConfirmDialog } from '@/components/ui/type-to-confirm-dialog';
import { describeError } from '@/lib/api-error';
import { useAuth } from '@/lib/auth';
import { useDeleteAccount } from '@/features/settings/api/delete-account';

export const DELETE_CONFIRMATION = 'delete my account';

export function DeleteAccountCard() {
  const [open, setOpen] = useState(false);
  const deleteAccount = useDeleteAccount();
  const { signOut } = useAuth();

  function changeOpen(next: boolean) {
    setOpen(next);
    if (!next) deleteAccount.reset();
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
      <TypeToConfirmDialog
        open={open}
        onOpenChange={changeOpen}
        title="Delete your account?"
        confirmLabel="Delete my account"
        phrase={DELETE_CONFIRMATION}
        ignoreCase
        pending={deleteAccount.isPending}
        onConfirm={() =>
          deleteAccount.mutate(undefined, { onSuccess: () => void signOut('account-deleted') })
        }
        description={
          <p>
            All your API keys stop working immediately, and your usage history is erased. Export your data
            first if you want to keep a copy.
          </p>
        }
        label={
          <>
            To confirm, type{' '}
            <span className="font-mono font-semibold text-rose-700">{DELETE_CONFIRMATION}</span>
          </>
        }
        error={
          deleteAccount.isError && (
            <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
              {describeError(deleteAccount.error)}
            </p>
          )
        }
      />
    </Card>
  );
}
