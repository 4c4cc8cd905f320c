import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { UsageDashboard } from '@/features/usage/components/usage-dashboard';

export function UsageRoute() {
  useDocumentTitle('Usage');
  return (
    <>
      <PageHeader
        title="Usage"
        description="Calls, latency and errors by day, for all keys or one. Dates are in UTC."
      />
      <UsageDashboard />
    </>
  );
}
