import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { can } from '@shared/roles';
import type { Member } from '@shared/teams';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { Field, Select } from '@/components/ui/form';
import { TypeToConfirmDialog } from '@/components/ui/type-to-confirm-dialog';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { useActiveAccount } from '@/lib/active-account';
import { useSessionUser } from '@/lib/auth';
import { useDeleteTeam } from '@/features/team/api/delete-team';
import { useLeaveTeam } from '@/features/team/api/remove-member';
import { useTransferOwnership } from '@/features/team/api/transfer-ownership';
import { describeTeamError } from '@/features/team/team-errors';

function displayName(member: Member): string {
  return member.display_name ?? member.email ?? member.uid;
}

function Failure({ error }: { error: unknown }) {
  return (
    <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
      {describeTeamError(error)}
    </p>
  );
}

function TransferOwnership({ members }: { members: Member[] }) {
  const transfer = useTransferOwnership();
  const notify = useToast();
  const { uid } = useSessionUser();
  const candidates = members.filter((member) => member.uid !== uid);
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const chosen = candidates.find((member) => member.uid === target) ?? null;

  function change(next: boolean) {
    setOpen(next);
    if (!next) {
      setTarget('');
      transfer.reset();
    }
  }

  return (
    <>
      <CardHeader
        title="Transfer ownership"
        description="Make another member the owner. You stay in the team as an admin; billing and deleting the team become theirs."
        className="pb-5"
        action={
          <Button variant="secondary" onClick={() => change(true)} disabled={candidates.length === 0}>
            Transfer ownership
          </Button>
        }
      />
      <ConfirmDialog
        open={open}
        onOpenChange={change}
        title="Transfer ownership?"
        confirmLabel="Make them the owner"
        confirmDisabled={chosen === null}
        pending={transfer.isPending}
        onConfirm={() =>
          chosen &&
          transfer.mutate(chosen.uid, {
            onSuccess: () => {
              change(false);
              notify({
                tone: 'success',
                title: `${displayName(chosen)} is now the owner`,
                description: 'You are an admin.',
              });
            },
          })
        }
        description={<p>Only the new owner can give it back.</p>}
      >
        <div className="mt-4">
          <Field label="New owner">
            {(props) => (
              <Select {...props} value={target} onChange={(event) => setTarget(event.target.value)}>
                <option value="">Choose a member</option>
                {candidates.map((member) => (
                  <option key={member.uid} value={member.uid}>
                    {displayName(member)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {transfer.isError && <Failure error={transfer.error} />}
        </div>
      </ConfirmDialog>
    </>
  );
}

function DeleteTeam({ accountId, name }: { accountId: string; name: string }) {
  const remove = useDeleteTeam();
  const navigate = useNavigate();
  const notify = useToast();
  const [open, setOpen] = useState(false);

  function change(next: boolean) {
    setOpen(next);
    if (!next) remove.reset();
  }

  return (
    <>
      <CardHeader
        title="Delete the team"
        description="Revokes every key of the team at once, cancels its subscription and erases its usage and members. This cannot be undone."
        className="pb-5"
        action={
          <Button variant="danger-outline" onClick={() => change(true)}>
            Delete team
          </Button>
        }
      />
      <TypeToConfirmDialog
        open={open}
        onOpenChange={change}
        title={`Delete “${name}”?`}
        confirmLabel="Delete team"
        phrase={name}
        pending={remove.isPending}
        onConfirm={() =>
          remove.mutate(accountId, {
            onSuccess: () => {
              void navigate(paths.overview, { replace: true });
              notify({ tone: 'success', title: `“${name}” was deleted` });
            },
          })
        }
        description={<p>All of the team’s API keys stop working immediately, and its data is erased.</p>}
        label={`Type the team’s name, ${name}, to confirm`}
        error={remove.isError && <Failure error={remove.error} />}
      />
    </>
  );
}

function LeaveTeam({ name }: { name: string }) {
  const leave = useLeaveTeam();
  const { uid } = useSessionUser();
  const navigate = useNavigate();
  const notify = useToast();
  const [open, setOpen] = useState(false);
  return (
    <>
      <CardHeader
        title="Leave the team"
        description="You lose access to the team’s keys and usage. A member who manages the team can invite you again."
        className="pb-5"
        action={
          <Button variant="danger-outline" onClick={() => setOpen(true)}>
            Leave team
          </Button>
        }
      />
      <ConfirmDialog
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (!next) leave.reset();
        }}
        title={`Leave “${name}”?`}
        confirmLabel="Leave team"
        pending={leave.isPending}
        onConfirm={() =>
          leave.mutate(uid, {
            onSuccess: () => {
              void navigate(paths.overview, { replace: true });
              notify({ tone: 'success', title: `You left “${name}”` });
            },
          })
        }
        description={
          <>
            <p>You go back to your personal account.</p>
            {leave.isError && <Failure error={leave.error} />}
          </>
        }
      />
    </>
  );
}

/**
 * What the caller can do to the team itself: the owner transfers or deletes it (and cannot
 * leave it while it is the owner); anyone else leaves it.
 */
export function TeamDangerZone({ members }: { members: Member[] }) {
  const { id, role, name } = useActiveAccount();
  if (id === null) return null;
  const teamName = name ?? 'this team';
  return (
    <Card aria-label="Team ownership" className="divide-y divide-zinc-200 ring-rose-200">
      {can(role, 'transfer_ownership') && <TransferOwnership members={members} />}
      {can(role, 'delete_account') && <DeleteTeam accountId={id} name={teamName} />}
      {role === 'owner' ? (
        <p className="px-5 py-4 text-sm text-zinc-500 sm:px-6">
          As the owner you can’t leave the team: transfer ownership first.
        </p>
      ) : (
        <LeaveTeam name={teamName} />
      )}
    </Card>
  );
}
