import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { auditLogResponseSchema, type AuditLogQuery, type AuditLogResponse } from '@shared/teams';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

/** The filters of a page of the log; the cursor is the paging, not a filter. */
export type AuditLogFilters = Omit<AuditLogQuery, 'cursor'>;

export function getAuditLog(
  accountId: string | null,
  query: AuditLogQuery,
  { signal }: { signal?: AbortSignal } = {},
): Promise<AuditLogResponse> {
  return apiRequest(accountPath(accountId, '/audit-log'), auditLogResponseSchema, { query, signal });
}

export function auditLogQueryKey(accountId: string | null, filters: AuditLogFilters) {
  return [
    ...accountQueryKey(accountId),
    'audit-log',
    filters.action ?? null,
    filters.actor ?? null,
    filters.from ?? null,
    filters.to ?? null,
  ] as const;
}

export function auditLogQueryOptions(accountId: string | null, filters: AuditLogFilters) {
  return infiniteQueryOptions({
    queryKey: auditLogQueryKey(accountId, filters),
    queryFn: ({ pageParam, signal }) =>
      getAuditLog(accountId, { ...filters, ...(pageParam ? { cursor: pageParam } : {}) }, { signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** The active account's audit log, newest first, a page at a time ("Load more"). */
export function useAuditLog(filters: AuditLogFilters, { enabled = true }: { enabled?: boolean } = {}) {
  const { id } = useActiveAccount();
  return useInfiniteQuery({ ...auditLogQueryOptions(id, filters), enabled });
}
