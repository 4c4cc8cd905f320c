import { queryOptions, useQuery } from '@tanstack/react-query';
import { openApiDocumentSchema } from '@shared/v1-contracts';
import { ApiError } from '@/lib/api-error';

export const OPENAPI_PATH = '/v1/openapi.json';

export type OpenApiDocument = ReturnType<typeof openApiDocumentSchema.parse>;

/** The public document: no ID token, and no key (it is neither checked nor metered). */
export async function getOpenApi({ signal }: { signal?: AbortSignal } = {}): Promise<OpenApiDocument> {
  let response: Response;
  try {
    response = await fetch(OPENAPI_PATH, { signal: signal ?? null });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ code: 'network_error', message: 'network error', status: 0 });
  }
  if (!response.ok)
    throw new ApiError({ code: 'internal', message: response.statusText, status: response.status });
  const parsed = openApiDocumentSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success)
    throw new ApiError({ code: 'invalid_response', message: 'invalid response', status: 200 });
  return parsed.data;
}

export function openApiQueryOptions() {
  // The document changes only with a deploy.
  return queryOptions({ queryKey: ['openapi', 'v1'], queryFn: getOpenApi, staleTime: 5 * 60_000 });
}

export function useOpenApi() {
  return useQuery(openApiQueryOptions());
}
