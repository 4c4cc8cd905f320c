import { Avatar } from '@/components/ui/avatar';
import { Badge } from '@/components/ui/badge';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { Skeleton } from '@/components/ui/skeleton';
import { CopyButton } from '@/components/ui/copy-button';
import { useMe } from '@/lib/api/get-me';
import { useSessionUser } from '@/lib/auth';
import { formatDate, planName } from '@/lib/format';

const PROVIDERS: Record<string, string> = { 'google.com': 'Google', 'github.com': 'GitHub' };

export function ProfileCard() {
  const user = useSessionUser();
  const me = useMe();
  const provider = user.providerId ? (PROVIDERS[user.providerId] ?? user.providerId) : null;

  return (
    <Card aria-labelledby="profile-title">
      <CardHeader
        titleId="profile-title"
        title="Profile"
        description={
          provider ? `Your name and photo come from your ${provider} account.` : 'Your sign-in details.'
        }
      />
      <CardContent>
        <div className="flex items-center gap-4">
          <Avatar
            name={user.displayName}
            email={user.email}
            photoUrl={user.photoUrl}
            className="size-14 text-base"
          />
          <div className="min-w-0">
            <p className="truncate text-base font-semibold text-zinc-900">
              {user.displayName ?? 'No name set'}
            </p>
            <p className="truncate text-sm text-zinc-500">{user.email ?? 'No email address'}</p>
          </div>
        </div>
        <dl className="mt-6 grid gap-x-6 gap-y-4 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-zinc-500">Signed in with</dt>
            <dd className="mt-0.5 font-medium text-zinc-900">{provider ?? 'Unknown'}</dd>
          </div>
          <div>
            <dt className="text-zinc-500">Plan</dt>
            <dd className="mt-0.5">
              {me.data ? (
                <Badge tone="brand">{planName(me.data.account.plan_tier)}</Badge>
              ) : (
                <Skeleton className="h-5 w-16" />
              )}
            </dd>
          </div>
          <div>
            <dt className="text-zinc-500">Member since</dt>
            <dd className="mt-0.5 font-medium text-zinc-900">
              {me.data ? formatDate(me.data.user.created_at) : <Skeleton className="h-5 w-24" />}
            </dd>
          </div>
          <div className="min-w-0">
            <dt className="text-zinc-500">Account ID</dt>
            <dd className="mt-0.5 flex items-center gap-1">
              <code className="truncate font-mono text-xs text-zinc-700">{user.uid}</code>
              <CopyButton text={user.uid} label="Copy account ID" iconOnly variant="ghost" />
            </dd>
          </div>
        </dl>
      </CardContent>
    </Card>
  );
}
