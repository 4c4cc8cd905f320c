import { KeyRound, Plus } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { MAX_ACTIVE_KEYS_PER_ACCOUNT, type ApiKey } from '@shared/contracts';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { can } from '@shared/roles';
import { useActiveAccount } from '@/lib/active-account';
import { useKeys } from '@/lib/api/get-keys';
import { useSessionUser } from '@/lib/auth';
import { CreateKeyDialog } from '@/features/keys/components/create-key-dialog';
import { KeyLimitsDialog } from '@/features/keys/components/key-limits-dialog';
import { KeyMetadataDialog } from '@/features/keys/components/key-metadata-dialog';
import { KeysTable, type KeyAction } from '@/features/keys/components/keys-table';
import { RenameKeyDialog } from '@/features/keys/components/rename-key-dialog';
import { RevokeKeyDialog } from '@/features/keys/components/revoke-key-dialog';
import { RollKeyDialog } from '@/features/keys/components/roll-key-dialog';

/** `?create=1` on the Keys page opens the create dialog (Overview's checklist links there). */
export const CREATE_KEY_PARAM = 'create';

/**
 * The key list with everything one can do to keys: create, rename, edit metadata, cap, roll,
 * revoke, as far as the caller's role allows (a viewer reads; a member changes the keys it
 * created).
 */
export function KeysPanel() {
  const keys = useKeys();
  const { role, kind } = useActiveAccount();
  const { uid } = useSessionUser();
  const mayCreate = can(role, 'manage_own_keys');
  const mayManage = (key: ApiKey) =>
    can(role, 'manage_all_keys') || (can(role, 'manage_own_keys') && key.created_by === uid);
  const [params, setParams] = useSearchParams();
  const createRequested = params.get(CREATE_KEY_PARAM) === '1';
  // Opened once on arrival; the parameter then goes, so a reload or Back does not reopen it.
  const [creating, setCreating] = useState(() => mayCreate && createRequested);
  useEffect(() => {
    if (!params.has(CREATE_KEY_PARAM)) return;
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete(CREATE_KEY_PARAM);
        return next;
      },
      { replace: true },
    );
  }, [params, setParams]);
  const [action, setAction] = useState<{ kind: KeyAction; key: ApiKey } | null>(null);
  const active = keys.data?.filter((key) => key.status === 'active' || key.status === 'expiring').length ?? 0;
  const atLimit = active >= MAX_ACTIVE_KEYS_PER_ACCOUNT;
  const closeAction = (open: boolean) => !open && setAction(null);

  const createButton = mayCreate && (
    <Button
      onClick={() => setCreating(true)}
      disabled={keys.isPending || atLimit}
      title={atLimit ? 'Revoke a key to create another' : undefined}
    >
      <Plus className="size-4" aria-hidden />
      Create key
    </Button>
  );

  return (
    <Card aria-labelledby="keys-title">
      <CardHeader
        titleId="keys-title"
        title={kind === 'team' ? 'Team keys' : 'Your keys'}
        description={
          keys.data
            ? `${active} of ${MAX_ACTIVE_KEYS_PER_ACCOUNT} active keys. All keys share the account’s limits; a key can have tighter caps.`
            : 'All keys share the account’s limits; a key can have tighter caps.'
        }
        action={createButton}
        className="pb-5"
      />
      {keys.isPending ? (
        <LoadingRegion
          label="Loading your keys"
          className="space-y-3 border-t border-zinc-200 px-5 py-5 sm:px-6"
        >
          {[0, 1, 2].map((row) => (
            <Skeleton key={row} className="h-12 w-full" />
          ))}
        </LoadingRegion>
      ) : keys.isError ? (
        <ErrorState
          error={keys.error}
          onRetry={() => void keys.refetch()}
          retrying={keys.isFetching}
          className="border-t border-zinc-200"
        />
      ) : keys.data.length === 0 ? (
        <EmptyState
          className="border-t border-zinc-200"
          icon={KeyRound}
          title="No API keys yet"
          description={
            mayCreate
              ? 'Create your first key, then send it in the Authorization header of your API calls.'
              : 'The account’s owners, admins and members create its keys.'
          }
          action={
            mayCreate && (
              <Button onClick={() => setCreating(true)}>
                <Plus className="size-4" aria-hidden />
                Create your first key
              </Button>
            )
          }
        />
      ) : (
        <div className="border-t border-zinc-200 pb-1">
          <KeysTable
            keys={keys.data}
            mayManage={mayManage}
            mine={kind === 'team' ? (key) => key.created_by === uid : undefined}
            onAction={(action, key) => setAction({ kind: action, key })}
          />
        </div>
      )}

      <CreateKeyDialog open={creating} onOpenChange={setCreating} />
      <RenameKeyDialog apiKey={action?.kind === 'rename' ? action.key : null} onOpenChange={closeAction} />
      <KeyLimitsDialog apiKey={action?.kind === 'limits' ? action.key : null} onOpenChange={closeAction} />
      <KeyMetadataDialog
        apiKey={action?.kind === 'metadata' ? action.key : null}
        readOnly={action !== null && !mayManage(action.key)}
        onOpenChange={closeAction}
      />
      <RollKeyDialog apiKey={action?.kind === 'roll' ? action.key : null} onOpenChange={closeAction} />
      <RevokeKeyDialog apiKey={action?.kind === 'revoke' ? action.key : null} onOpenChange={closeAction} />
    </Card>
  );
}
