import { useMutation } from '@tanstack/react-query';
import type { ExportQuery } from '@shared/contracts';
import { accountPath, apiFetch } from '@/lib/api-client';
import { useActiveAccount } from '@/lib/active-account';
import { filenameFrom, saveBlob } from '@/lib/download';

/**
 * Downloads the range's daily usage per key as CSV, for the same key or integration as the page
 * shows (fetched with the token, saved as a Blob).
 */
export async function exportUsage(accountId: string | null, query: ExportQuery): Promise<void> {
  const response = await apiFetch(accountPath(accountId, '/usage/export'), { query });
  const blob = await response.blob();
  const filter = query.key_id ?? query.integration;
  const fallback = `keymeter-usage-${query.from}-to-${query.to}${filter ? `-${filter}` : ''}.csv`;
  saveBlob(blob, filenameFrom(response.headers.get('Content-Disposition'), fallback));
}

/** A download changes nothing on the server, so no query is invalidated. */
export function useExportUsage() {
  const { id } = useActiveAccount();
  return useMutation({ mutationFn: (query: ExportQuery) => exportUsage(id, query) });
}
