/**
 * The instance's key check: one cache, one revocation watch, one unknown-key throttle, one set
 * of leased limits and one usage recorder per instance.
 */
import { db } from '../lib/firebase.js';
import { API_KEYS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { keyCheckMetrics } from '../lib/metrics.js';
import { isEmulator } from '../lib/runtime.js';
import { onShutdown } from '../lib/shutdown.js';
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
import { LeasedLimits, type LeasedLimitsOptions } from './leased-limits.js';
import type { CallLimits } from './limits.js';
import { leaseMeterBudget } from './meter-ledger.js';
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
    onRefresh: () => {
      keyCheckMetrics.keyRefreshes += 1;
    },
    revocations: revocationWatch(),
  });
  return cache;
}

let limits: CallLimits | undefined;

/** The benchmark runs another design through the same check; production never calls this. */
export function useCallLimits(replacement: CallLimits): void {
  if (checker !== undefined) throw new Error('useCallLimits must run before the first check');
  limits = replacement;
}

/**
 * This instance's leased limits, counted in its metrics and given back on SIGTERM, which Cloud
 * Run sends before it stops an instance: units held go back to the account.
 */
function instanceLimits(
  options: Pick<LeasedLimitsOptions, 'lease' | 'minuteCountsUnits'> = {},
): LeasedLimits {
  const leased = new LeasedLimits({
    ...options,
    // Plan changes reach an idle instance's held units as fast as key changes reach its cache.
    blockLifeMs: KEY_CACHE_TTL_MS,
    onLease: () => {
      keyCheckMetrics.leases += 1;
    },
    onLeaseWait: () => {
      keyCheckMetrics.leaseWaits += 1;
      keyCheckMetrics.awaitedRoundTrips += 1;
    },
  });
  onShutdown(() => leased.release());
  return leased;
}

function callLimits(): CallLimits {
  limits ??= instanceLimits();
  return limits;
}

let meters: LeasedLimits | undefined;

/** Named meters' limits: their own leases, counted in units per minute too. */
function meterLimits(): LeasedLimits {
  meters ??= instanceLimits({ lease: leaseMeterBudget, minuteCountsUnits: true });
  return meters;
}

export function keyChecker(): KeyChecker {
  checker ??= new KeyChecker({
    cache: keyCache(),
    limits: callLimits(),
    meters: meterLimits(),
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
