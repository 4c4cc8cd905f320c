/**
 * Documents written before accounts existed name their owner `user_id`; the owner's personal
 * account has the same id. Until the migration (scripts/migrate-accounts.ts) has rewritten them,
 * readers take such a document as the personal account's, so the system keeps working across
 * the deploy. `alsoAs` names further fields that default to the same id (a key's `created_by`).
 */
export function withLegacyOwner(data: unknown, alsoAs: readonly string[] = []): unknown {
  if (typeof data !== 'object' || data === null || 'account_id' in data || !('user_id' in data)) return data;
  const owner = data.user_id;
  return { ...Object.fromEntries(alsoAs.map((field) => [field, owner])), ...data, account_id: owner };
}
