import { useMutation } from '@tanstack/react-query';
import { accountPath, apiFetch } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { filenameFrom, saveBlob } from '@/lib/download';
import { todayUtc } from '@/lib/date-range';
import type { AuditLogFilters } from '@/features/audit-log/api/get-audit-log';

/** Downloads the filtered log as CSV (columns AUDIT_EXPORT_COLUMNS), fetched with the token. */
export async function exportAuditLog(accountId: string | null, filters: AuditLogFilters): Promise<void> {
  const response = await apiFetch(accountPath(accountId, '/audit-log/export'), { query: filters });
  const blob = await response.blob();
  saveBlob(
    blob,
    filenameFrom(response.headers.get('Content-Disposition'), `keymeter-audit-log-${todayUtc()}.csv`),
  );
}

/** A download changes nothing on the server, so no query is invalidated. */
export function useExportAuditLog() {
  const { id } = useActiveAccount();
  return useMutation({ mutationFn: (filters: AuditLogFilters) => exportAuditLog(id, filters) });
}
