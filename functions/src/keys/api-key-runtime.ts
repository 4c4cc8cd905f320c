/**
 * The instance's key check: one cache, one revocation watch, one unknown-key throttle, one rate
 * limiter and one usage recorder per instance.
 */
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { keyCheckMetrics } from '../lib/metrics.js';
import { RateLimiter } from '../lib/rate-limiter.js';
import { isEmulator } from '../lib/runtime.js';
import { usageRecorder } from './usage-recorder.js';
import {
  EMULATOR_KEY_FAILURE_LIMITS,
  KeyFailureThrottle,
  PRODUCTION_KEY_FAILURE_LIMITS,
} from './client-throttle.js';
import {
  KEY_CACHE_TTL_EMULATOR_MS,
  KEY_CACHE_TTL_PRODUCTION_MS,
  KeyCache,
  type StoredKey,
} from './key-cache.js';
import { KeyChecker } from './key-check.js';
import { readKeyDoc } from './key-doc.js';
import { firestoreRevocationSource, toMicros } from './revocation-feed.js';
import { RevocationWatch } from './revocation-watch.js';

/** How long plan and limit changes take to reach a cached key. Revocation: REVOCATION_BOUND_MS. */
export const KEY_CACHE_TTL_MS = isEmulator() ? KEY_CACHE_TTL_EMULATOR_MS : KEY_CACHE_TTL_PRODUCTION_MS;
export const KEY_FAILURE_LIMITS = isEmulator() ? EMULATOR_KEY_FAILURE_LIMITS : PRODUCTION_KEY_FAILURE_LIMITS;
/** A check never needs revocations older than the oldest key it could still serve, plus a margin. */
const REVOCATION_LOOKBACK_MS = KEY_CACHE_TTL_MS + 60_000;

export async function findKeyByHash(hash: string): Promise<StoredKey | null> {
  const snapshot = await db().collection(API_KEYS).where('key_hash', '==', hash).limit(1).get();
  const doc = snapshot.docs[0];
  return doc === undefined
    ? null
    : { id: doc.id, doc: readKeyDoc(doc.data()), readTime: toMicros(snapshot.readTime) };
}

let cache: KeyCache | undefined;
let watch: RevocationWatch | undefined;
let checker: KeyChecker | undefined;

function revocationWatch(): RevocationWatch {
  watch ??= new RevocationWatch({
    source: firestoreRevocationSource,
    apply: (changes) => {
      for (const change of changes) keyCache().invalidate(change.keyId, change.at);
    },
    lookbackMs: REVOCATION_LOOKBACK_MS,
    onCheck: () => {
      keyCheckMetrics.revocationChecks += 1;
    },
    onWait: () => {
      keyCheckMetrics.revocationWaits += 1;
      keyCheckMetrics.awaitedRoundTrips += 1;
    },
    onError: (error) => log.revocationCheckFailed(error),
  });
  return watch;
}

function keyCache(): KeyCache {
  cache ??= new KeyCache({
    ttlMs: KEY_CACHE_TTL_MS,
    load: findKeyByHash,
    pendingBillable: (keyId, period) => usageRecorder().buffer.pendingBillable(keyId, period),
    revocations: revocationWatch(),
  });
  return cache;
}

export function keyChecker(): KeyChecker {
  checker ??= new KeyChecker({
    cache: keyCache(),
    limiter: new RateLimiter(),
    throttle: new KeyFailureThrottle(KEY_FAILURE_LIMITS),
    onKeyRead: () => {
      keyCheckMetrics.keyReads += 1;
      keyCheckMetrics.awaitedRoundTrips += 1;
    },
    onUnknownKeyRead: () => {
      keyCheckMetrics.unknownKeyReads += 1;
    },
    onThrottled: () => {
      keyCheckMetrics.keyFailuresThrottled += 1;
    },
  });
  return checker;
}
