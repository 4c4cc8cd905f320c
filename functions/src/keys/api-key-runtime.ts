/** The instance's key check: one cache, one rate limiter, one usage recorder per instance. */
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { keyCheckMetrics } from '../lib/metrics.js';
import { isEmulator } from '../lib/runtime.js';
import { usageRecorder } from '../usage/usage-recorder.js';
import {
  KEY_CACHE_TTL_EMULATOR_MS,
  KEY_CACHE_TTL_PRODUCTION_MS,
  KeyCache,
  type StoredKey,
} from './key-cache.js';
import { KeyChecker } from './key-check.js';
import { readKeyDoc } from './key-doc.js';
import { RateLimiter } from './rate-limiter.js';

/** The longest a revoked key can still pass on an instance that had it cached. */
export const KEY_CACHE_TTL_MS = isEmulator() ? KEY_CACHE_TTL_EMULATOR_MS : KEY_CACHE_TTL_PRODUCTION_MS;

export async function findKeyByHash(hash: string): Promise<StoredKey | null> {
  const snapshot = await db().collection(API_KEYS).where('key_hash', '==', hash).limit(1).get();
  const doc = snapshot.docs[0];
  return doc === undefined ? null : { id: doc.id, doc: readKeyDoc(doc.data()) };
}

let cache: KeyCache | undefined;
let checker: KeyChecker | undefined;

function keyCache(): KeyCache {
  cache ??= new KeyCache({
    ttlMs: KEY_CACHE_TTL_MS,
    load: findKeyByHash,
    pendingBillable: (keyId, period) => usageRecorder().buffer.pendingBillable(keyId, period),
  });
  return cache;
}

export function keyChecker(): KeyChecker {
  checker ??= new KeyChecker({
    cache: keyCache(),
    limiter: new RateLimiter(),
    onKeyRead: () => {
      keyCheckMetrics.keyReads += 1;
      keyCheckMetrics.awaitedRoundTrips += 1;
    },
  });
  return checker;
}

/** Called where a key is revoked or expired early, so this instance stops admitting it at once. */
export function invalidateCachedKey(keyId: string): void {
  cache?.invalidate(keyId);
}
