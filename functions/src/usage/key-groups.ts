/**
 * What usage views show of an account's keys beside their figures: the label, and the
 * integration a key was made for, by which usage is filtered and grouped. One read of the
 * account's keys (two fields each), revoked and rolled ones included since their calls count.
 */
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import {
  integrationSchema,
  NO_INTEGRATION,
  type Integration,
  type IntegrationBreakdownGroup,
  type IntegrationGroup,
} from '../shared/contracts.js';
import { OTHER } from './usage-bounds.js';

export interface KeyInfo {
  label: string;
  integration: Integration | null;
}

export type KeyDirectory = ReadonlyMap<string, KeyInfo>;

export async function keyDirectory(accountId: string): Promise<KeyDirectory> {
  const snapshot = await db()
    .collection(API_KEYS)
    .where('account_id', '==', accountId)
    .select('label', 'integration')
    .get();
  return new Map(
    snapshot.docs.map((doc) => {
      const integration = integrationSchema.safeParse(doc.get('integration'));
      return [
        doc.id,
        { label: String(doc.get('label') ?? ''), integration: integration.success ? integration.data : null },
      ];
    }),
  );
}

/** A key's group in a breakdown; OTHER, the calls of keys a day did not keep apart, is its own. */
export function integrationGroupOf(keys: KeyDirectory, keyId: string): IntegrationBreakdownGroup {
  if (keyId === OTHER) return 'other';
  return keys.get(keyId)?.integration ?? NO_INTEGRATION;
}

/** The keys whose calls a filter by integration counts. */
export function keysOfIntegration(keys: KeyDirectory, group: IntegrationGroup): Set<string> {
  return new Set(
    [...keys].filter(([keyId]) => integrationGroupOf(keys, keyId) === group).map(([keyId]) => keyId),
  );
}
