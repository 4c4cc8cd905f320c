/**
 * The instance-local cache of keys by hash. Real keys and unknown hashes live in two separate
 * bounded maps, so a flood of made-up keys (the checksum is public: anyone can make well-formed
 * ones) can fill only the unknown map and never pushes a real key out.
 *
 * A cached key is served for at most the TTL (30 s in production: how soon plan and limit
 * changes arrive) and, when a revocation gate is given, only while the gate confirms that no
 * revocation older than REVOCATION_BOUND_MS can have been missed (revocation-watch.ts). Expiry
 * needs neither: the key check compares `expires_at` with the clock on every call.
 */
import { startSoon } from '../lib/start-soon.js';
import type { KeyDoc } from './key-doc.js';

export const KEY_CACHE_TTL_PRODUCTION_MS = 30_000;
export const KEY_CACHE_TTL_EMULATOR_MS = 1_000;
/** Real keys one instance keeps; past it the longest-cached are read again when next used. */
export const MAX_CACHED_KEYS = 10_000;
/** Unknown hashes one instance remembers, in their own map. */
export const MAX_CACHED_UNKNOWN = 10_000;
/** Revocations remembered for reads still in flight when they arrived. */
const MAX_REMEMBERED_CHANGES = 10_000;
/** A read that keeps landing before a known change is taken as it is after this many tries. */
const MAX_READS_PER_LOAD = 3;

export interface StoredKey {
  id: string;
  doc: KeyDoc;
  /** Firestore read time of the document, in microseconds, when the loader knows it. */
  readTime?: number;
}

export type CachedKey = StoredKey;

/** What the cache asks before serving a key from memory (RevocationWatch). */
export interface RevocationGate {
  /** `undefined` when a key read at instance time `loadedAt` may be served; else wait, then re-peek. */
  confirm(loadedAt: number): Promise<void> | undefined;
  /** Told of each key read, at its Firestore read time (µs). */
  noteRead(readTime: number): void;
}

interface KeyEntry {
  key: CachedKey;
  /** Instance time at which the read that produced it was sent. */
  loadedAt: number;
  readTime: number | undefined;
}

export interface KeyCacheOptions {
  ttlMs: number;
  /**
   * A key served when older than this is read again in the background (default: half the TTL),
   * so a key in steady use never makes a call wait for its re-read.
   */
  refreshAfterMs?: number;
  /** Told of each background re-read. */
  onRefresh?: () => void;
  load: (hash: string) => Promise<StoredKey | null>;
  revocations?: RevocationGate;
  maxKeys?: number;
  maxUnknown?: number;
  now?: () => number;
}

export class KeyCache {
  private readonly keys = new Map<string, KeyEntry>();
  private readonly hashById = new Map<string, string>();
  /** Hash → instance time of the read that found nothing. */
  private readonly unknown = new Map<string, number>();
  /** Key id → Firestore time of its latest known revocation (µs). */
  private readonly changes = new Map<string, number>();
  private readonly loading = new Map<string, Promise<CachedKey | null>>();
  /** Hashes whose background refresh is about to start. */
  private readonly refreshing = new Set<string>();
  private readonly now: () => number;
  private readonly maxKeys: number;
  private readonly maxUnknown: number;
  private readonly refreshAfterMs: number;

  constructor(private readonly options: KeyCacheOptions) {
    this.refreshAfterMs = options.refreshAfterMs ?? options.ttlMs / 2;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? MAX_CACHED_KEYS;
    this.maxUnknown = options.maxUnknown ?? MAX_CACHED_UNKNOWN;
  }

  /** A fresh entry without waiting: `undefined` means the caller must `load`. */
  peek(hash: string): CachedKey | null | undefined {
    const entry = this.keys.get(hash);
    if (entry !== undefined) {
      if (!this.isFresh(entry.loadedAt)) return undefined;
      if (
        this.now() - entry.loadedAt >= this.refreshAfterMs &&
        !this.loading.has(hash) &&
        !this.refreshing.has(hash)
      ) {
        this.options.onRefresh?.();
        this.refreshing.add(hash);
        startSoon(() => {
          this.refreshing.delete(hash);
          // A failed refresh changes nothing: the entry stays until its TTL, then is read again.
          this.load(hash).catch(() => undefined);
        });
      }
      return entry.key;
    }
    const unknownAt = this.unknown.get(hash);
    return unknownAt !== undefined && this.isFresh(unknownAt) ? null : undefined;
  }

  /** Whether the hash belongs to a real key this instance has read (fresh or not). */
  knows(hash: string): boolean {
    return this.keys.has(hash);
  }

  /** For a key `peek` returned: `undefined` if it may be served now, else a wait (then peek again). */
  confirm(hash: string): Promise<void> | undefined {
    const entry = this.keys.get(hash);
    if (entry === undefined) return undefined;
    return this.options.revocations?.confirm(entry.loadedAt);
  }

  /** Reads the key from Firestore; concurrent loads of one hash share a single read. */
  load(hash: string): Promise<CachedKey | null> {
    const inFlight = this.loading.get(hash);
    if (inFlight !== undefined) return inFlight;
    const promise = this.read(hash)
      .then(({ stored, loadedAt }) => {
        if (stored === null) {
          this.forgetHash(hash);
          this.unknown.delete(hash);
          this.unknown.set(hash, loadedAt);
          prune(this.unknown, this.maxUnknown);
          return null;
        }
        const key: CachedKey = stored;
        this.unknown.delete(hash);
        this.forgetHash(hash);
        const previous = this.hashById.get(stored.id);
        if (previous !== undefined) this.forgetHash(previous);
        this.keys.set(hash, { key, loadedAt, readTime: stored.readTime });
        this.hashById.set(stored.id, hash);
        this.pruneKeys();
        return key;
      })
      .finally(() => this.loading.delete(hash));
    this.loading.set(hash, promise);
    return promise;
  }

  /**
   * Forgets a key. With `changedAt` (Firestore time, µs), only a copy read at or before that
   * time, and reads still in flight are judged against it too; without, unconditionally.
   */
  invalidate(keyId: string, changedAt?: number): void {
    if (changedAt !== undefined) {
      const known = this.changes.get(keyId);
      this.changes.delete(keyId);
      this.changes.set(keyId, known === undefined ? changedAt : Math.max(known, changedAt));
      prune(this.changes, MAX_REMEMBERED_CHANGES);
    }
    const hash = this.hashById.get(keyId);
    const entry = hash === undefined ? undefined : this.keys.get(hash);
    if (hash === undefined || entry === undefined) return;
    if (changedAt === undefined || entry.readTime === undefined || entry.readTime <= changedAt)
      this.forgetHash(hash);
  }

  clear(): void {
    this.keys.clear();
    this.hashById.clear();
    this.unknown.clear();
    this.changes.clear();
  }

  /** Entries held, for tests and metrics. */
  size(): { keys: number; unknown: number } {
    return { keys: this.keys.size, unknown: this.unknown.size };
  }

  private isFresh(loadedAt: number): boolean {
    return this.now() - loadedAt < this.options.ttlMs;
  }

  private async read(hash: string): Promise<{ stored: StoredKey | null; loadedAt: number }> {
    for (let reads = 1; ; reads += 1) {
      const loadedAt = this.now();
      const stored = await this.options.load(hash);
      if (stored !== null) this.options.revocations?.noteRead(stored.readTime ?? loadedAt * 1_000);
      // A revocation learnt while this read was in flight, committed after it was answered.
      if (stored === null || reads >= MAX_READS_PER_LOAD || !this.changedSince(stored))
        return { stored, loadedAt };
    }
  }

  private changedSince(stored: StoredKey): boolean {
    const changedAt = this.changes.get(stored.id);
    return changedAt !== undefined && (stored.readTime === undefined || stored.readTime <= changedAt);
  }

  private forgetHash(hash: string): void {
    const entry = this.keys.get(hash);
    if (entry === undefined) return;
    this.keys.delete(hash);
    if (this.hashById.get(entry.key.id) === hash) this.hashById.delete(entry.key.id);
  }

  /** Insertion order is load order, so the first entries are the longest cached. */
  private pruneKeys(): void {
    for (const hash of this.keys.keys()) {
      if (this.keys.size <= this.maxKeys) return;
      this.forgetHash(hash);
    }
  }
}

function prune<K, V>(map: Map<K, V>, max: number): void {
  for (const key of map.keys()) {
    if (map.size <= max) return;
    map.delete(key);
  }
}
