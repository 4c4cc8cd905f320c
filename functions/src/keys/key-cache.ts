/**
 * The instance-local cache of keys by hash. A revoked key can keep passing on an instance for at
 * most KEY_CACHE_TTL_MS after the revocation is written (on the instance that served the
 * revocation, at once). Unknown hashes are cached too, so guessing keys with valid checksums
 * costs one read per hash per TTL, not one per call.
 */
import type { KeyDoc } from './key-doc.js';

export const KEY_CACHE_TTL_PRODUCTION_MS = 30_000;
export const KEY_CACHE_TTL_EMULATOR_MS = 1_000;
const MAX_ENTRIES = 10_000;

export interface StoredKey {
  id: string;
  doc: KeyDoc;
}

export interface CachedKey extends StoredKey {
  /** Billable calls this instance admitted since the document was read, and in which period. */
  local: { period: string; billable: number };
}

type Entry = { loadedAt: number; key: CachedKey | null };

export interface KeyCacheOptions {
  ttlMs: number;
  load: (hash: string) => Promise<StoredKey | null>;
  /** Calls this instance has recorded for the key that Firestore may not have counted yet. */
  pendingBillable: (keyId: string, period: string) => number;
  now?: () => number;
}

export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<CachedKey | null>>();
  private readonly now: () => number;

  constructor(private readonly options: KeyCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** A fresh entry without waiting: `undefined` means the caller must `load`. */
  peek(hash: string): CachedKey | null | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined || this.now() - entry.loadedAt >= this.options.ttlMs) return undefined;
    return entry.key;
  }

  /** Reads the key from Firestore; concurrent loads of one hash share a single read. */
  load(hash: string, period: string): Promise<CachedKey | null> {
    const inFlight = this.loading.get(hash);
    if (inFlight !== undefined) return inFlight;
    const promise = this.options
      .load(hash)
      .then((stored) => {
        const key =
          stored === null
            ? null
            : { ...stored, local: { period, billable: this.options.pendingBillable(stored.id, period) } };
        this.entries.delete(hash);
        this.entries.set(hash, { loadedAt: this.now(), key });
        this.prune();
        return key;
      })
      .finally(() => this.loading.delete(hash));
    this.loading.set(hash, promise);
    return promise;
  }

  /** Forgets a key at once, e.g. after this instance revoked it. */
  invalidate(keyId: string): void {
    for (const [hash, entry] of this.entries) if (entry.key?.id === keyId) this.entries.delete(hash);
  }

  clear(): void {
    this.entries.clear();
  }

  private prune(): void {
    for (const hash of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) return;
      this.entries.delete(hash);
    }
  }
}
