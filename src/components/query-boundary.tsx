import type { ReactNode } from 'react';
import { ErrorState } from '@/components/ui/error-state';

/** What the boundary reads of a TanStack query (a `useQuery` result satisfies it). */
export interface BoundaryQuery {
  isPending: boolean;
  isFetching: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * Loading and error for the queries a card needs, in one place: the card's skeleton while any
 * is pending, one error (with a retry of the failed ones) if any failed, else the content.
 */
export function QueryBoundary({
  queries,
  loading,
  errorTitle,
  errorClassName,
  children,
}: {
  queries: readonly BoundaryQuery[];
  /** The skeleton, inside a LoadingRegion. */
  loading: ReactNode;
  errorTitle: string;
  errorClassName?: string;
  /** Called only once every query has its data. */
  children: () => ReactNode;
}) {
  const failed = queries.filter((query) => query.error !== null && query.error !== undefined);
  const first = failed[0];
  if (first) {
    return (
      <ErrorState
        title={errorTitle}
        error={first.error}
        onRetry={() => failed.forEach((query) => void query.refetch())}
        retrying={failed.some((query) => query.isFetching)}
        className={errorClassName}
      />
    );
  }
  if (queries.some((query) => query.isPending)) return <>{loading}</>;
  return <>{children()}</>;
}
