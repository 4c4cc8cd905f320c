import type { ApiKey } from '@shared/contracts';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { useToast } from '@/components/ui/toast';
import { describeError } from '@/lib/api-error';
import { useRevokeKey } from '@/features/keys/api/revoke-key';
import { maskedKey } from '@/features/keys/components/key-status-badge';

export function RevokeKeyDialog({
  apiKey,
  onOpenChange,
}: {
  apiKey: ApiKey | null;
  onOpenChange: (open: boolean) => void;
}) {
  const revokeKey = useRevokeKey();
  const notify = useToast();

  return (
    <ConfirmDialog
      open={apiKey !== null}
      onOpenChange={(open) => {
        if (!open) revokeKey.reset();
        onOpenChange(open);
      }}
      title={apiKey ? `Revoke “${apiKey.label}”?` : 'Revoke key?'}
      confirmLabel="Revoke key"
      pending={revokeKey.isPending}
      onConfirm={() => {
        if (!apiKey) return;
        revokeKey.mutate(apiKey.id, {
          onSuccess: (key) => {
            notify({
              tone: 'success',
              title: `“${key.label}” revoked`,
              description: 'Calls with it are refused from now on.',
            });
            onOpenChange(false);
          },
        });
      }}
      description={
        <>
          <p>
            Every program that uses{' '}
            <span className="font-mono text-zinc-900">{apiKey ? maskedKey(apiKey) : 'this key'}</span> will be
            refused. This cannot be undone: to keep calling the API, create a new key.
          </p>
          {revokeKey.isError && (
            <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-rose-800">
              {describeError(revokeKey.error)}
            </p>
          )}
        </>
      }
    />
  );
}
