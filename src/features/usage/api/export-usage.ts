import { useMutation } from '@tanstack/react-query';
import type { ExportQuery } from '@shared/contracts';
import { apiFetch } from '@/lib/api-client';
import { filenameFrom, saveBlob } from '@/lib/download';

/** Downloads the range's daily usage per key as CSV (fetched with the token, saved as a Blob). */
export async function exportUsage(query: ExportQuery): Promise<void> {
  const response = await apiFetch('/usage/export', { query });
  const blob = await response.blob();
  const fallback = `keymeter-usage-${query.from}-to-${query.to}${query.key_id ? `-${query.key_id}` : ''}.csv`;
  saveBlob(blob, filenameFrom(response.headers.get('Content-Disposition'), fallback));
}

/** A download changes nothing on the server, so no query is invalidated. */
export function useExportUsage() {
  return useMutation({ mutationFn: exportUsage });
}
