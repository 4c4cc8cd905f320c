import { queryOptions, useQuery } from '@tanstack/react-query';
import { adminStatsResponseSchema, type AdminStatsResponse } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export function getAdminStats({ signal }: { signal?: AbortSignal } = {}): Promise<AdminStatsResponse> {
  return apiRequest('/admin/stats', adminStatsResponseSchema, { signal });
}

export function adminStatsQueryOptions() {
  return queryOptions({ queryKey: ['admin-stats'], queryFn: getAdminStats });
}

/** Platform-wide totals and top accounts (operators only). */
export function useAdminStats() {
  return useQuery(adminStatsQueryOptions());
}
