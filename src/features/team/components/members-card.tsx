import { UserMinus } from 'lucide-react';
import { useState } from 'react';
import { ASSIGNABLE_ROLES, assignableRoleSchema, mayManageMember } from '@shared/roles';
import type { Member, MembersResponse } from '@shared/teams';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { Select } from '@/components/ui/form';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { useActiveAccount } from '@/lib/active-account';
import { useSessionUser } from '@/lib/auth';
import { formatDate, formatDateTime } from '@/lib/format';
import { useRemoveMember } from '@/features/team/api/remove-member';
import { useUpdateMember } from '@/features/team/api/update-member';
import { SeatsSummary } from '@/features/team/components/seats-summary';
import { ROLE_DESCRIPTIONS, ROLE_NAMES } from '@/features/team/roles';
import { describeTeamError } from '@/features/team/team-errors';

function displayName(member: Member): string {
  return member.display_name ?? member.email ?? member.uid;
}

function RoleCell({ member, editable }: { member: Member; editable: boolean }) {
  const update = useUpdateMember();
  const notify = useToast();
  if (!editable || member.role === 'owner') {
    return <Badge tone={member.role === 'owner' ? 'brand' : 'neutral'}>{ROLE_NAMES[member.role]}</Badge>;
  }
  return (
    <Select
      aria-label={`Role of ${displayName(member)}`}
      value={member.role}
      disabled={update.isPending}
      className="w-32 py-1.5"
      onChange={(event) => {
        const role = assignableRoleSchema.safeParse(event.target.value);
        if (!role.success) return;
        update.mutate(
          { uid: member.uid, body: { role: role.data } },
          {
            onSuccess: (changed) =>
              notify({
                tone: 'success',
                title: `${displayName(changed)} is now ${ROLE_NAMES[changed.role].toLowerCase()}`,
              }),
            onError: (error) =>
              notify({
                tone: 'error',
                title: "Couldn't change the role",
                description: describeTeamError(error),
              }),
          },
        );
      }}
    >
      {ASSIGNABLE_ROLES.map((role) => (
        <option key={role} value={role} title={ROLE_DESCRIPTIONS[role]}>
          {ROLE_NAMES[role]}
        </option>
      ))}
    </Select>
  );
}

/** Everyone in the team with their role; those who manage members change roles and remove people. */
export function MembersCard({ data }: { data: MembersResponse }) {
  const { role } = useActiveAccount();
  const { uid } = useSessionUser();
  const remove = useRemoveMember();
  const notify = useToast();
  const [removing, setRemoving] = useState<Member | null>(null);
  const manages = (member: Member) => member.uid !== uid && mayManageMember(role, member.role);
  const anyActions = data.members.some(manages);

  function confirmRemove() {
    if (!removing) return;
    const name = displayName(removing);
    remove.mutate(removing.uid, {
      onSuccess: () => {
        setRemoving(null);
        notify({ tone: 'success', title: `${name} was removed from the team` });
      },
    });
  }

  return (
    <Card aria-labelledby="members-title">
      <CardHeader
        titleId="members-title"
        title="Members"
        description="Everyone who works in this team, and what their role lets them do."
      />
      <CardContent>
        <SeatsSummary seats={data.seats} />
      </CardContent>
      <div className="border-t border-zinc-200 pb-1">
        <Table label="Members">
          <THead>
            <TR>
              <TH>Name</TH>
              <TH className="hidden sm:table-cell">Email</TH>
              <TH>Role</TH>
              <TH className="hidden md:table-cell">Joined</TH>
              {anyActions && (
                <TH className="w-12">
                  <span className="sr-only">Actions</span>
                </TH>
              )}
            </TR>
          </THead>
          <TBody>
            {data.members.map((member) => (
              <TR key={member.uid}>
                <TD className="max-w-[12rem]">
                  <p className="truncate font-medium text-zinc-900">
                    {displayName(member)}
                    {member.uid === uid && <span className="ml-1.5 font-normal text-zinc-500">(you)</span>}
                  </p>
                  <p className="truncate text-xs text-zinc-500 sm:hidden">{member.email}</p>
                </TD>
                <TD className="hidden max-w-[14rem] truncate sm:table-cell">{member.email ?? '—'}</TD>
                <TD>
                  <RoleCell member={member} editable={manages(member)} />
                </TD>
                <TD className="hidden whitespace-nowrap md:table-cell">
                  <time dateTime={member.joined_at} title={formatDateTime(member.joined_at)}>
                    {formatDate(member.joined_at)}
                  </time>
                </TD>
                {anyActions && (
                  <TD className="text-right">
                    {manages(member) && (
                      <Button
                        variant="ghost"
                        size="icon"
                        aria-label={`Remove ${displayName(member)}`}
                        onClick={() => setRemoving(member)}
                      >
                        <UserMinus className="size-4" aria-hidden />
                      </Button>
                    )}
                  </TD>
                )}
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRemoving(null);
            remove.reset();
          }
        }}
        title={`Remove ${removing ? displayName(removing) : 'this member'}?`}
        confirmLabel="Remove member"
        pending={remove.isPending}
        onConfirm={confirmRemove}
        description={
          <>
            <p>
              They lose access to the team’s keys, usage and billing at once. You can invite them again later.
            </p>
            {remove.isError && (
              <p role="alert" className="mt-3 rounded-lg bg-rose-50 p-3 text-rose-800">
                {describeTeamError(remove.error)}
              </p>
            )}
          </>
        }
      />
    </Card>
  );
}
