import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { CallTheApi } from '@/features/keys/components/call-the-api';
import { KeysPanel } from '@/features/keys/components/keys-panel';

export function KeysRoute() {
  useDocumentTitle('API keys');
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your programs call the API. Keep them secret, like passwords."
      />
      <div className="space-y-6">
        <KeysPanel />
        <CallTheApi />
      </div>
    </>
  );
}
