import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { BillingPanel } from '@/features/billing/components/billing-panel';

export function BillingRoute() {
  useDocumentTitle('Billing');
  return (
    <>
      <PageHeader
        title="Billing"
        description="Your plan, this month’s usage against it, and the plans you can move to."
      />
      <BillingPanel />
    </>
  );
}
