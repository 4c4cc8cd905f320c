import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { AlertsPanel } from '@/features/alerts/components/alerts-panel';

export function AlertsRoute() {
  useDocumentTitle('Alerts');
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Be told before the account runs out: in the dashboard, by email and by a signed webhook."
      />
      <AlertsPanel />
    </>
  );
}
