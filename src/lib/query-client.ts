import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '@/lib/api-error';

/** Errors a retry cannot fix: the request itself, or who sent it, is the problem. */
function isPermanent(error: unknown): boolean {
  return (
    error instanceof ApiError && error.status >= 400 && error.status < 500 && error.code !== 'rate_limited'
  );
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: true,
        retry: (failureCount, error) => !isPermanent(error) && failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}
