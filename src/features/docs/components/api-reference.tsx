import { lazy, Suspense, useMemo, useRef, useState } from 'react';
import { Card, CardContent, CardHeader } from '@/components/ui/card';
import { ErrorState } from '@/components/ui/error-state';
import { Field, Input, Select } from '@/components/ui/form';
import { LoadingRegion, Skeleton } from '@/components/ui/skeleton';
import { useKeys } from '@/lib/api/get-keys';
import { useOpenApi } from '@/features/docs/api/get-openapi';
import { sampleKey, usableKeys } from '@/features/docs/sample-key';

const SwaggerReference = lazy(() => import('@/features/docs/components/swagger-reference'));

function ReferenceSkeleton() {
  return (
    <LoadingRegion label="Loading the API reference" className="space-y-3">
      {[0, 1, 2, 3].map((row) => (
        <Skeleton key={row} className="h-12 w-full" />
      ))}
    </LoadingRegion>
  );
}

/**
 * The /v1 reference with "try it" and code samples. A pasted key lives in this component's
 * memory only (never storage, never the URL) and goes only to this site's /v1; the samples
 * show the chosen key's prefix, since the dashboard never has a secret.
 */
export function ApiReference() {
  const document = useOpenApi();
  const keys = useKeys();
  const usable = useMemo(() => usableKeys(keys.data ?? []), [keys.data]);
  const fallback = useMemo(() => sampleKey(keys.data ?? []), [keys.data]);
  const [chosenId, setChosenId] = useState<string | undefined>(undefined);
  const chosen = usable.find((key) => key.id === chosenId) ?? fallback;
  const [pasted, setPasted] = useState('');
  // What the renderer's request interceptor reads when it sends.
  const apiKey = useRef('');

  return (
    <div className="space-y-6">
      <Card aria-labelledby="try-title">
        <CardHeader
          titleId="try-title"
          title="Your key"
          description="Samples show the chosen key’s prefix; calls made from this page are metered like any other."
        />
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <Field
            label="Key for the code samples"
            hint={
              usable.length === 0 && !keys.isPending ? 'Create a key on the API keys page first.' : undefined
            }
          >
            {(props) => (
              <Select
                {...props}
                value={chosen?.id ?? ''}
                disabled={usable.length === 0}
                onChange={(event) => setChosenId(event.target.value)}
              >
                {usable.length === 0 && <option value="">No active key</option>}
                {usable.map((key) => (
                  <option key={key.id} value={key.id}>
                    {key.label} ({key.key_prefix}…)
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field
            label="API key for “Try it out”"
            hint="Kept in this page’s memory only: it is gone when you leave or reload."
          >
            {(props) => (
              <Input
                {...props}
                type="password"
                autoComplete="off"
                spellCheck={false}
                placeholder={chosen ? `${chosen.key_prefix}…` : 'sk_live_…'}
                value={pasted}
                onChange={(event) => {
                  apiKey.current = event.target.value;
                  setPasted(event.target.value);
                }}
              />
            )}
          </Field>
        </CardContent>
      </Card>

      <Card aria-label="API reference">
        <CardContent>
          {document.isPending ? (
            <ReferenceSkeleton />
          ) : document.isError ? (
            <ErrorState
              title="Couldn’t load the API reference"
              error={document.error}
              onRetry={() => void document.refetch()}
              retrying={document.isFetching}
            />
          ) : (
            <Suspense fallback={<ReferenceSkeleton />}>
              <SwaggerReference
                state={{ document: document.data, keyPrefix: chosen?.key_prefix }}
                apiKey={apiKey}
              />
            </Suspense>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
