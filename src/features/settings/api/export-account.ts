import { useMutation } from '@tanstack/react-query';
import { accountExportSchema } from '@shared/contracts';
import { apiFetch } from '@/lib/api-client';
import { ApiError } from '@/lib/api-error';
import { filenameFrom, saveBlob } from '@/lib/download';
import { todayUtc } from '@/lib/date-range';

/**
 * Downloads everything Keymeter holds about the account as JSON. The file is saved exactly as
 * the API sent it, once it has been checked against the export schema.
 */
export async function exportAccount(): Promise<void> {
  const response = await apiFetch('/me/export');
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!accountExportSchema.safeParse(body).success) {
    throw new ApiError({ code: 'invalid_response', message: 'invalid export', status: response.status });
  }
  const fallback = `keymeter-export-${todayUtc()}.json`;
  saveBlob(
    new Blob([text], { type: 'application/json' }),
    filenameFrom(response.headers.get('Content-Disposition'), fallback),
  );
}

/** Reading one's data changes nothing, so no query is invalidated. */
export function useExportAccount() {
  return useMutation({ mutationFn: exportAccount });
}
