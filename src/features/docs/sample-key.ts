import type { ApiKey } from '@shared/contracts';

/** Keys that can call the API now, so a sample made with one works. */
export function usableKeys(keys: readonly ApiKey[]): ApiKey[] {
  return keys.filter((key) => key.status === 'active' || key.status === 'expiring');
}

/**
 * The key the code samples show unless one is chosen: the usable key used most this month (the
 * one a reader is most likely to have at hand), the newest among equals.
 */
export function sampleKey(keys: readonly ApiKey[]): ApiKey | undefined {
  return [...usableKeys(keys)].sort(
    (a, b) => b.monthly_usage - a.monthly_usage || b.created_at.localeCompare(a.created_at),
  )[0];
}
