import { PageHeader } from '@/components/ui/page-header';
import { useDocumentTitle } from '@/lib/use-document-title';
import { ApiReference } from '@/features/docs/components/api-reference';

export function DocsRoute() {
  useDocumentTitle('API reference');
  return (
    <>
      <PageHeader
        title="API reference"
        description={
          <>
            Every /v1 route, from the API’s own OpenAPI document (
            <a className="font-medium text-brand-700 hover:underline" href="/v1/openapi.json">
              /v1/openapi.json
            </a>
            ).
          </>
        }
      />
      <ApiReference />
    </>
  );
}
