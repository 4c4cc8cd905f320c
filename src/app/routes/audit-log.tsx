import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { AuditLogPanel } from '@/features/audit-log/components/audit-log-panel';

export function AuditLogRoute() {
  useDocumentTitle('Audit log');
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what in this account: keys, members, billing and alerts."
      />
      <AuditLogPanel />
    </>
  );
}
