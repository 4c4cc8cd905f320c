import { queryOptions, useQuery } from '@tanstack/react-query';
import { listKeysResponseSchema, type ApiKey } from '@shared/contracts';
import { apiRequest } from '@/lib/api-client';

export async function getKeys({ signal }: { signal?: AbortSignal } = {}): Promise<ApiKey[]> {
  const { keys } = await apiRequest('/keys', listKeysResponseSchema, { signal });
  return keys;
}

export const keysQueryKey = ['keys'] as const;

export function keysQueryOptions() {
  return queryOptions({ queryKey: keysQueryKey, queryFn: getKeys });
}

/** Every key of the account, revoked and expired ones included (Keys, Usage, Overview). */
export function useKeys() {
  return useQuery(keysQueryOptions());
}
