import { useParams } from 'react-router-dom';
import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { InvitationPage } from '@/features/team/components/invitation-page';

/** `/invitations/:token`, the link an invitation carries; signed-out visitors sign in first and come back. */
export function InvitationRoute() {
  useDocumentTitle('Invitation');
  const { token = '' } = useParams();
  return (
    <>
      <PageHeader title="Team invitation" description="Join a team on Keymeter." />
      <InvitationPage token={token} />
    </>
  );
}
