import { MailX, Users } from 'lucide-react';
import { Link, useNavigate } from 'react-router-dom';
import { invitationTokenSchema } from '@shared/teams';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { Notice } from '@/components/ui/notice';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useToast } from '@/components/ui/toast';
import { accountPagePath, paths } from '@/config/paths';
import { ApiError } from '@/lib/api-error';
import { useAuth, useSessionUser } from '@/lib/auth';
import { formatDate } from '@/lib/format';
import { useAcceptInvitation } from '@/features/team/api/accept-invitation';
import { useInvitationPreview } from '@/features/team/api/get-invitation-preview';
import { ROLE_DESCRIPTIONS, ROLE_NAMES } from '@/features/team/roles';
import { describeTeamError } from '@/features/team/team-errors';

/** Why a link no longer works, in words, for the codes that say so. */
const DEAD_LINKS: Partial<Record<string, { title: string; description: string }>> = {
  invitation_expired: {
    title: 'This invitation has expired',
    description: 'Invitations work for 7 days. Ask whoever invited you for a new one.',
  },
  invitation_used: {
    title: 'This invitation was already used',
    description: 'An invitation works once. If you accepted it, the team is in your account switcher.',
  },
  invitation_revoked: {
    title: 'This invitation was withdrawn',
    description: 'The team revoked it. Ask whoever invited you for a new one if you still need access.',
  },
  not_found: {
    title: 'This invitation link doesn’t work',
    description: 'It may be mistyped or cut short. Open the link from the invitation again.',
  },
};

function DeadLink({ code }: { code: string }) {
  const dead = DEAD_LINKS[code] ?? DEAD_LINKS.not_found;
  return (
    <Card>
      <EmptyState
        icon={MailX}
        title={dead?.title ?? ''}
        description={dead?.description ?? ''}
        action={
          <Button asChild variant="secondary">
            <Link to={paths.overview}>Go to Overview</Link>
          </Button>
        }
      />
    </Card>
  );
}

function sameAddress(a: string | null, b: string): boolean {
  return a !== null && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/**
 * What an invitation offers and the way in: accepting needs the signed-in user's verified email
 * to be the invited one (the API checks; this page says so first).
 */
export function InvitationPage({ token }: { token: string }) {
  const valid = invitationTokenSchema.safeParse(token).success;
  const preview = useInvitationPreview(token, { enabled: valid });
  const accept = useAcceptInvitation();
  const user = useSessionUser();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const notify = useToast();

  if (!valid) return <DeadLink code="not_found" />;
  if (preview.isPending) {
    return (
      <LoadingRegion label="Loading the invitation">
        <Skeleton className="h-64 w-full rounded-xl" />
      </LoadingRegion>
    );
  }
  if (preview.isError) {
    const code = preview.error instanceof ApiError ? preview.error.code : '';
    if (DEAD_LINKS[code]) return <DeadLink code={code} />;
    return (
      <Card>
        <ErrorState
          title="Couldn't load the invitation"
          error={preview.error}
          onRetry={() => void preview.refetch()}
          retrying={preview.isFetching}
        />
      </Card>
    );
  }

  const invitation = preview.data;
  const otherAddress = !sameAddress(user.email, invitation.email);
  const refusal = accept.isError ? accept.error : null;
  const refusalCode = refusal instanceof ApiError ? refusal.code : null;
  if (refusalCode && refusalCode !== 'not_found' && DEAD_LINKS[refusalCode])
    return <DeadLink code={refusalCode} />;

  function join() {
    accept.mutate(token, {
      onSuccess: (joined) => {
        notify({
          tone: 'success',
          title: `You joined ${invitation.account_name}`,
          description: `as ${ROLE_NAMES[joined.role].toLowerCase()}.`,
        });
        void navigate(accountPagePath(joined.slug, paths.overview), { replace: true });
      },
    });
  }

  return (
    <Card aria-labelledby="invitation-title" className="mx-auto max-w-lg">
      <CardContent className="space-y-5">
        <div className="flex items-center gap-3">
          <span className="flex size-11 items-center justify-center rounded-full bg-brand-50 text-brand-600">
            <Users className="size-5" aria-hidden />
          </span>
          <div>
            <h2 id="invitation-title" className="text-lg font-semibold text-zinc-900">
              Join {invitation.account_name}
            </h2>
            <p className="text-sm text-zinc-500">
              {invitation.invited_by ? `${invitation.invited_by} invited you` : 'You are invited'} · expires{' '}
              {formatDate(invitation.expires_at)}
            </p>
          </div>
        </div>
        <dl className="grid gap-3 rounded-lg bg-zinc-50 p-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-zinc-500">Role</dt>
            <dd className="mt-0.5">
              <Badge tone="brand">{ROLE_NAMES[invitation.role]}</Badge>
              <p className="mt-1 text-xs text-zinc-500">{ROLE_DESCRIPTIONS[invitation.role]}</p>
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Invited address</dt>
            <dd className="mt-0.5 font-medium break-all text-zinc-900">{invitation.email}</dd>
          </div>
        </dl>
        {otherAddress ? (
          <Notice
            tone="warning"
            role="alert"
            title="This invitation is for another address"
            action={
              <Button variant="secondary" size="sm" onClick={() => void signOut()}>
                Sign out
              </Button>
            }
          >
            You are signed in as {user.email ?? 'an account without an email address'}. Sign out, then open
            this link again and sign in as {invitation.email}.
          </Notice>
        ) : (
          <>
            {refusal !== null && (
              <Notice tone="danger" role="alert" title="Couldn't accept the invitation">
                {describeTeamError(refusal)}
              </Notice>
            )}
            <Button className="w-full" onClick={join} loading={accept.isPending}>
              Accept and join {invitation.account_name}
            </Button>
          </>
        )}
      </CardContent>
    </Card>
  );
}
