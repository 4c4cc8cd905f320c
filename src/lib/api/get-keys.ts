import { queryOptions, useQuery } from '@tanstack/react-query';
import { listKeysResponseSchema, type ApiKey } from '@shared/contracts';
import { accountPath, apiRequest } from '@/lib/api-client';
import { accountQueryKey, useActiveAccount } from '@/lib/active-account';

export async function getKeys(
  accountId: string | null,
  { signal }: { signal?: AbortSignal } = {},
): Promise<ApiKey[]> {
  const { keys } = await apiRequest(accountPath(accountId, '/keys'), listKeysResponseSchema, { signal });
  return keys;
}

export function keysQueryKey(accountId: string | null) {
  return [...accountQueryKey(accountId), 'keys'] as const;
}

export function keysQueryOptions(accountId: string | null) {
  return queryOptions({
    queryKey: keysQueryKey(accountId),
    queryFn: ({ signal }) => getKeys(accountId, { signal }),
  });
}

/** Every key of the active account, revoked and expired ones included (Keys, Usage, Overview). */
export function useKeys() {
  const { id } = useActiveAccount();
  return useQuery(keysQueryOptions(id));
}
