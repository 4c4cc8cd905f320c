import { AlertCircle, MailPlus, X } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ASSIGNABLE_ROLES, assignableRoleSchema, type AssignableRole } from '@shared/roles';
import {
  createInvitationRequestSchema,
  INVITATION_TTL_DAYS,
  type CreateInvitationResponse,
  type Invitation,
} from '@shared/teams';
import { ShownOnce } from '@/components/shown-once';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { Field, Input, Select } from '@/components/ui/form';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { paths } from '@/config/paths';
import { ApiError } from '@/lib/api-error';
import { useCan } from '@/lib/active-account';
import { formatDate, formatDateTime } from '@/lib/format';
import { apiErrorField, fieldErrors, type FieldErrors } from '@/lib/form';
import { useAccountLink } from '@/lib/navigation';
import { useCreateInvitation } from '@/features/team/api/create-invitation';
import { useInvitations } from '@/features/team/api/get-invitations';
import { useRevokeInvitation } from '@/features/team/api/revoke-invitation';
import { ROLE_DESCRIPTIONS, ROLE_NAMES } from '@/features/team/roles';
import { describeTeamError } from '@/features/team/team-errors';

type InviteField = 'email' | 'role';

function InviteForm({ onCreated }: { onCreated: (created: CreateInvitationResponse) => void }) {
  const create = useCreateInvitation();
  const link = useAccountLink();
  const mayBill = useCan('manage_billing');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AssignableRole>('member');
  const [errors, setErrors] = useState<FieldErrors<InviteField>>({});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = createInvitationRequestSchema.safeParse({ email, role });
    if (!parsed.success) {
      setErrors(fieldErrors<InviteField>(parsed.error));
      return;
    }
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: (created) => {
        setEmail('');
        onCreated(created);
      },
      onError: (error) => {
        const field = apiErrorField(error);
        if (field === 'email' || field === 'role') setErrors({ [field]: describeTeamError(error) });
      },
    });
  }

  const formError = create.isError && !apiErrorField(create.error) ? create.error : null;
  const seatsFull = formError instanceof ApiError && formError.code === 'seat_limit_reached';

  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-label="Invite a member">
      {formError !== null && (
        <div role="alert" className="flex gap-2 rounded-lg bg-rose-50 p-3 text-sm text-rose-800">
          <AlertCircle className="mt-0.5 size-4 shrink-0" aria-hidden />
          <p>
            {describeTeamError(formError)}
            {seatsFull &&
              (mayBill ? (
                <>
                  {' '}
                  <Link to={link(paths.billing)} className="font-medium underline">
                    Upgrade on Billing
                  </Link>{' '}
                  for more seats.
                </>
              ) : (
                ' The team’s owner can upgrade it on Billing for more seats.'
              ))}
          </p>
        </div>
      )}
      <div className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
        <Field label="Email address" error={errors.email}>
          {(props) => (
            <Input
              {...props}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              placeholder="grace@example.com"
              autoComplete="off"
            />
          )}
        </Field>
        <Field label="Role" error={errors.role} hint={ROLE_DESCRIPTIONS[role]}>
          {(props) => (
            <Select
              {...props}
              value={role}
              onChange={(event) => {
                const next = assignableRoleSchema.safeParse(event.target.value);
                if (next.success) setRole(next.data);
              }}
            >
              {ASSIGNABLE_ROLES.map((option) => (
                <option key={option} value={option}>
                  {ROLE_NAMES[option]}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Button type="submit" loading={create.isPending} className="sm:mt-7">
          {!create.isPending && <MailPlus className="size-4" aria-hidden />}
          Send invitation
        </Button>
      </div>
    </form>
  );
}

/** The link of an invitation just made: the only time it can be copied (only its hash is kept). */
function CreatedInvitation({ created, onDone }: { created: CreateInvitationResponse; onDone: () => void }) {
  return (
    <div className="space-y-4 rounded-lg p-4 ring-1 ring-zinc-200">
      <ShownOnce
        warning={
          <>
            <strong className="font-semibold">This link will not be shown again.</strong>{' '}
            {created.delivery === 'email'
              ? `We emailed it to ${created.invitation.email}; copy it now if you want to send it yourself too.`
              : `Email is not set up on this Keymeter server, so nothing was sent: copy the link now and send it to ${created.invitation.email} yourself.`}{' '}
            It works once, for that address, for {INVITATION_TTL_DAYS} days.
          </>
        }
        label={`Invitation link for ${created.invitation.email}`}
        value={created.url}
        copyLabel="Copy invitation link"
      />
      <div className="flex justify-end">
        <Button variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}

function PendingInvitations({ invitations }: { invitations: Invitation[] }) {
  const revoke = useRevokeInvitation();
  const notify = useToast();
  if (invitations.length === 0) {
    return <p className="text-sm text-zinc-500">No pending invitations.</p>;
  }
  return (
    <ul className="divide-y divide-zinc-100" aria-label="Pending invitations">
      {invitations.map((invitation) => (
        <li key={invitation.id} className="flex items-center gap-3 py-2.5">
          <div className="min-w-0 flex-1">
            <p className="truncate text-sm font-medium text-zinc-900">{invitation.email}</p>
            <p className="text-xs text-zinc-500">
              {ROLE_NAMES[invitation.role]} · expires{' '}
              <time dateTime={invitation.expires_at} title={formatDateTime(invitation.expires_at)}>
                {formatDate(invitation.expires_at)}
              </time>
            </p>
          </div>
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Revoke the invitation for ${invitation.email}`}
            loading={revoke.isPending && revoke.variables === invitation.id}
            disabled={revoke.isPending}
            onClick={() =>
              revoke.mutate(invitation.id, {
                onSuccess: () =>
                  notify({ tone: 'success', title: `Invitation for ${invitation.email} revoked` }),
                onError: (error) =>
                  notify({
                    tone: 'error',
                    title: "Couldn't revoke the invitation",
                    description: describeTeamError(error),
                  }),
              })
            }
          >
            {!(revoke.isPending && revoke.variables === invitation.id) && (
              <X className="size-4" aria-hidden />
            )}
            Revoke
          </Button>
        </li>
      ))}
    </ul>
  );
}

/** Inviting people by email, the link shown once, and the invitations still waiting. */
export function InvitationsCard() {
  const invitations = useInvitations();
  const [created, setCreated] = useState<CreateInvitationResponse | null>(null);
  return (
    <Card aria-labelledby="invitations-title">
      <CardHeader
        titleId="invitations-title"
        title="Invitations"
        description="Invite someone by email. They join with the role you choose once they accept, signed in with that address."
      />
      <CardContent className="space-y-6">
        {created ? (
          <CreatedInvitation created={created} onDone={() => setCreated(null)} />
        ) : (
          <InviteForm onCreated={setCreated} />
        )}
        <div>
          <h3 className="mb-2 text-sm font-medium text-zinc-800">Pending</h3>
          {invitations.isPending ? (
            <LoadingRegion label="Loading invitations" className="space-y-2">
              <Skeleton className="h-10 w-full" />
            </LoadingRegion>
          ) : invitations.isError ? (
            <ErrorState
              error={invitations.error}
              onRetry={() => void invitations.refetch()}
              retrying={invitations.isFetching}
              className="py-6"
            />
          ) : (
            <PendingInvitations invitations={invitations.data} />
          )}
        </div>
      </CardContent>
    </Card>
  );
}
