import { aborted, type FirestoreError } from './errors.js';

/**
 * Pessimistic locking for read-write transactions, like the official emulator and the
 * production service:
 *
 * - `exclusive` locks a document. A transaction takes it when it reads the document and when it
 *   writes it; non-transactional writes take it for the instant they apply.
 * - `query` locks a collection (or collection group) scope for a transaction that queried it.
 * - `write` is the intent lock every write takes on the scopes its document belongs to; writes
 *   share it with each other and conflict with a `query` lock, which prevents phantoms.
 *
 * Contention waits instead of failing: waiters queue by transaction age (oldest first) and are
 * granted in that order. Deadlocks are impossible because of wound-wait: when an older owner
 * needs a lock held by a younger one, the younger one is wounded (aborted and its locks
 * released); a younger owner waits for an older one. A wait longer than the lock timeout fails
 * with ABORTED "Transaction lock timeout.", the official emulator's message.
 */
export type LockMode = 'exclusive' | 'query' | 'write';

export interface LockRequest {
  readonly key: string;
  readonly mode: LockMode;
}

export interface LockOwner {
  /** Unique and increasing, breaks ties between equal ages. */
  readonly lockId: number;
  /** Smaller is older. Transactions keep their age across retries. */
  readonly age: number;
  /** Must release every lock the owner holds (synchronously) and fail its pending waits. */
  wound(): void;
}

const EXCLUSIVE = 1;
const QUERY = 2;
const WRITE = 4;

function bit(mode: LockMode): number {
  return mode === 'exclusive' ? EXCLUSIVE : mode === 'query' ? QUERY : WRITE;
}

function conflicts(mode: number, held: number): boolean {
  if (mode === WRITE) return (held & (EXCLUSIVE | QUERY)) !== 0;
  return held !== 0;
}

function isOlder(a: LockOwner, b: LockOwner): boolean {
  return a.age < b.age || (a.age === b.age && a.lockId < b.lockId);
}

interface Waiter {
  readonly key: string;
  readonly state: LockState;
  readonly owner: LockOwner;
  readonly mode: number;
  readonly resolve: () => void;
  readonly reject: (error: FirestoreError) => void;
  timer: NodeJS.Timeout | undefined;
}

class LockState {
  readonly holders = new Map<LockOwner, number>();
  readonly queue: Waiter[] = [];
}

export class LockManager {
  private readonly locks = new Map<string, LockState>();
  private readonly held = new Map<LockOwner, Set<string>>();
  private readonly waiting = new Map<LockOwner, Set<Waiter>>();

  constructor(private readonly timeoutMs: number) {}

  /** True when no lock is held or awaited at all: the common case outside transactions. */
  isIdle(): boolean {
    return this.locks.size === 0;
  }

  /** True when every request could be granted to `owner` right now without waiting. */
  canGrantAll(owner: LockOwner, requests: readonly LockRequest[]): boolean {
    for (const request of requests) {
      const state = this.locks.get(request.key);
      if (state !== undefined && !this.canGrant(state, owner, bit(request.mode))) return false;
    }
    return true;
  }

  /**
   * Acquires all locks in key order. Resolves once all are held; rejects with ABORTED on a lock
   * timeout or when the owner is wounded while waiting (locks already taken stay held until
   * releaseAll).
   */
  async acquireAll(owner: LockOwner, requests: readonly LockRequest[]): Promise<void> {
    const sorted = [...requests].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const request of sorted) {
      const pending = this.acquire(owner, request);
      if (pending !== undefined) await pending;
    }
  }

  /** Returns undefined when granted at once, otherwise a promise for the grant. */
  acquire(owner: LockOwner, request: LockRequest): Promise<void> | undefined {
    const mode = bit(request.mode);
    let state = this.locks.get(request.key);
    if (state === undefined) {
      state = new LockState();
      this.locks.set(request.key, state);
    }
    if (((state.holders.get(owner) ?? 0) & mode) !== 0) return undefined;
    if (this.canGrant(state, owner, mode)) {
      this.grant(state, request.key, owner, mode);
      return undefined;
    }
    for (const [holder, heldModes] of [...state.holders]) {
      if (holder !== owner && conflicts(mode, heldModes) && isOlder(owner, holder)) holder.wound();
    }
    if (this.canGrant(state, owner, mode)) {
      this.grant(state, request.key, owner, mode);
      return undefined;
    }
    return this.enqueue(state, request.key, owner, mode);
  }

  holds(owner: LockOwner, key: string, mode: LockMode): boolean {
    return ((this.locks.get(key)?.holders.get(owner) ?? 0) & bit(mode)) !== 0;
  }

  /** Releases everything `owner` holds and grants the locks to the next waiters. */
  releaseAll(owner: LockOwner): void {
    const keys = this.held.get(owner);
    if (keys === undefined) return;
    this.held.delete(owner);
    for (const key of keys) {
      const state = this.locks.get(key);
      if (state === undefined) continue;
      state.holders.delete(owner);
      this.processQueue(key, state);
    }
  }

  /** Fails every pending wait of `owner` with `error`. */
  failWaits(owner: LockOwner, error: FirestoreError): void {
    const waiters = this.waiting.get(owner);
    if (waiters === undefined) return;
    this.waiting.delete(owner);
    for (const waiter of waiters) {
      const index = waiter.state.queue.indexOf(waiter);
      if (index !== -1) {
        waiter.state.queue.splice(index, 1);
        this.processQueue(waiter.key, waiter.state);
      }
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  /** For stats and tests: number of lock keys with holders or waiters. */
  activeLocks(): number {
    return this.locks.size;
  }

  private canGrant(state: LockState, owner: LockOwner, mode: number): boolean {
    for (const [holder, heldModes] of state.holders) {
      if (holder !== owner && conflicts(mode, heldModes)) return false;
    }
    for (const waiter of state.queue) {
      if (
        waiter.owner !== owner &&
        isOlder(waiter.owner, owner) &&
        (conflicts(mode, waiter.mode) || conflicts(waiter.mode, mode))
      ) {
        return false;
      }
    }
    return true;
  }

  private grant(state: LockState, key: string, owner: LockOwner, mode: number): void {
    state.holders.set(owner, (state.holders.get(owner) ?? 0) | mode);
    let keys = this.held.get(owner);
    if (keys === undefined) {
      keys = new Set();
      this.held.set(owner, keys);
    }
    keys.add(key);
  }

  private enqueue(state: LockState, key: string, owner: LockOwner, mode: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { key, state, owner, mode, resolve, reject, timer: undefined };
      let index = state.queue.length;
      while (index > 0) {
        const previous = state.queue[index - 1];
        if (previous === undefined || !isOlder(owner, previous.owner)) break;
        index--;
      }
      state.queue.splice(index, 0, waiter);
      let mine = this.waiting.get(owner);
      if (mine === undefined) {
        mine = new Set();
        this.waiting.set(owner, mine);
      }
      mine.add(waiter);
      waiter.timer = setTimeout(() => {
        const position = state.queue.indexOf(waiter);
        if (position === -1) return;
        state.queue.splice(position, 1);
        this.waiting.get(owner)?.delete(waiter);
        this.processQueue(key, state);
        reject(aborted('Transaction lock timeout.'));
      }, this.timeoutMs);
    });
  }

  private processQueue(key: string, state: LockState): void {
    while (state.queue.length > 0) {
      const next = state.queue[0];
      if (next === undefined) break;
      let blocked = false;
      for (const [holder, heldModes] of state.holders) {
        if (holder !== next.owner && conflicts(next.mode, heldModes)) {
          blocked = true;
          break;
        }
      }
      if (blocked) break;
      state.queue.shift();
      if (next.timer !== undefined) clearTimeout(next.timer);
      this.waiting.get(next.owner)?.delete(next);
      this.grant(state, key, next.owner, next.mode);
      next.resolve();
    }
    if (state.holders.size === 0 && state.queue.length === 0) this.locks.delete(key);
  }
}

/** Lock keys: one per document, one per collection scope and one per collection-group scope. */
export function documentLock(path: string): LockRequest {
  return { key: `d:${path}`, mode: 'exclusive' };
}

export function collectionScopeKey(collectionPath: string): string {
  return `c:${collectionPath}`;
}

export function groupScopeKey(collectionId: string): string {
  return `g:${collectionId}`;
}

/** What a write of the document at `path` must hold. */
export function writeLocks(path: string): LockRequest[] {
  const slash = path.lastIndexOf('/');
  const collectionPath = path.slice(0, slash);
  const collectionId = collectionPath.slice(collectionPath.lastIndexOf('/') + 1);
  return [
    documentLock(path),
    { key: collectionScopeKey(collectionPath), mode: 'write' },
    { key: groupScopeKey(collectionId), mode: 'write' },
  ];
}
