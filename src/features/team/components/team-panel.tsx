import { Users } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { ErrorState } from '@/components/ui/error-state';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useActiveAccount, useCan } from '@/lib/active-account';
import { useMembers } from '@/lib/api/get-members';
import { CreateTeamDialog } from '@/features/team/components/create-team-dialog';
import { InvitationsCard } from '@/features/team/components/invitations-card';
import { MembersCard } from '@/features/team/components/members-card';
import { TeamDangerZone } from '@/features/team/components/team-danger-zone';

/** A personal account has no members: the page offers a team instead. */
function CreateTeamPrompt() {
  const [creating, setCreating] = useState(false);
  return (
    <Card>
      <EmptyState
        icon={Users}
        title="Work on keys together"
        description="Your personal account is yours alone. A team has its own keys, usage and plan, and members with roles: owners, admins, members and viewers."
        action={<Button onClick={() => setCreating(true)}>Create a team</Button>}
      />
      <CreateTeamDialog open={creating} onOpenChange={setCreating} />
    </Card>
  );
}

function TeamMembers() {
  const members = useMembers();
  const managesMembers = useCan('manage_members');
  if (members.isPending) {
    return (
      <LoadingRegion label="Loading the team" className="space-y-6">
        <Skeleton className="h-64 w-full rounded-xl" />
      </LoadingRegion>
    );
  }
  if (members.isError) {
    return (
      <Card>
        <ErrorState
          title="Couldn't load the team"
          error={members.error}
          onRetry={() => void members.refetch()}
          retrying={members.isFetching}
        />
      </Card>
    );
  }
  return (
    <div className="space-y-6">
      <MembersCard data={members.data} />
      {managesMembers && <InvitationsCard />}
      <TeamDangerZone members={members.data.members} />
    </div>
  );
}

export function TeamPanel() {
  const { kind } = useActiveAccount();
  return kind === 'team' ? <TeamMembers /> : <CreateTeamPrompt />;
}
