import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { DeleteAccountCard } from '@/features/settings/components/delete-account-card';
import { ExportDataCard } from '@/features/settings/components/export-data-card';
import { ProfileCard } from '@/features/settings/components/profile-card';

export function SettingsRoute() {
  useDocumentTitle('Settings');
  return (
    <>
      <PageHeader title="Settings" description="Your profile and your data." />
      <div className="space-y-6">
        <ProfileCard />
        <ExportDataCard />
        <DeleteAccountCard />
      </div>
    </>
  );
}
