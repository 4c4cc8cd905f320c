import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { AdminOverview } from '@/features/admin/components/admin-overview';

export function AdminRoute() {
  useDocumentTitle('Admin');
  return (
    <>
      <PageHeader
        title="Admin"
        description="Platform-wide usage and the busiest accounts. Visible to operators only."
      />
      <AdminOverview />
    </>
  );
}
