import { PageHeader } from '@/components/ui/page-header';
import { useActiveAccount } from '@/lib/active-account';
import { useDocumentTitle } from '@/lib/use-document-title';
import { TeamPanel } from '@/features/team/components/team-panel';

export function TeamRoute() {
  useDocumentTitle('Team');
  const { kind, name } = useActiveAccount();
  return (
    <>
      <PageHeader
        title="Team"
        description={
          kind === 'team'
            ? `Who works in ${name ?? 'this team'}, their roles and the invitations waiting.`
            : 'Share keys, usage and billing with the people you work with.'
        }
      />
      <TeamPanel />
    </>
  );
}
