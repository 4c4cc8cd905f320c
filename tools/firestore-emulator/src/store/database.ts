import { LockManager } from '../locks.js';
import { parentOf } from '../resource-names.js';
import type { DatabaseName } from '../resource-names.js';
import { compareTimestamps, timestampFromMicros, timestampToMicros, type Timestamp } from '../timestamp.js';
import type { MapFields } from '../values.js';
import { CollectionIndex } from './collection.js';
import { DocumentEntry, type LiveDocument } from './document.js';

/** Who caused a change: clients' writes fire triggers, imports and clears do not. */
export type ChangeOrigin = 'client' | 'import' | 'clear';

/** The identity behind a write, for `withAuthContext` triggers. */
export interface AuthContext {
  readonly authType: string;
  readonly authId?: string;
}

export interface DocumentChange {
  readonly entry: DocumentEntry;
  readonly before: LiveDocument | undefined;
  readonly after: LiveDocument | undefined;
}

export interface CommitEvent {
  readonly db: Database;
  readonly commitTime: Timestamp;
  readonly changes: readonly DocumentChange[];
  readonly origin: ChangeOrigin;
  readonly auth: AuthContext | undefined;
}

/** A document's new state in a commit: fields, or null to delete it. */
export interface PendingChange {
  readonly path: string;
  readonly fields: MapFields | null;
}

export type CommitListener = (event: CommitEvent) => void;

/**
 * One Firestore database (project + database id): its documents with their recent history,
 * per-collection sorted indexes, the collection-group index, and its lock manager.
 */
export class Database {
  readonly locks: LockManager;
  private readonly documents = new Map<string, DocumentEntry>();
  private readonly collections = new Map<string, CollectionIndex>();
  private readonly groups = new Map<string, Set<CollectionIndex>>();
  private readonly listeners = new Set<CommitListener>();
  private liveDocuments = 0;

  constructor(
    readonly name: DatabaseName,
    lockTimeoutMs: number,
    private readonly historyMicros: number,
  ) {
    this.locks = new LockManager(lockTimeoutMs);
  }

  entry(path: string): DocumentEntry | undefined {
    return this.documents.get(path);
  }

  /** The document at `path` as of `readTime` (latest when undefined), if it exists. */
  document(path: string, readTime?: Timestamp): LiveDocument | undefined {
    return this.documents.get(path)?.at(readTime);
  }

  collection(path: string): CollectionIndex | undefined {
    return this.collections.get(path);
  }

  group(collectionId: string): ReadonlySet<CollectionIndex> {
    return this.groups.get(collectionId) ?? EMPTY_SET;
  }

  allCollections(): IterableIterator<CollectionIndex> {
    return this.collections.values();
  }

  documentCount(): number {
    return this.liveDocuments;
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Installs a commit's new document states at `commitTime` and announces it. Changes that do not
   * change anything (deleting a missing document) are skipped; callers already dropped no-op
   * updates.
   */
  install(
    pending: readonly PendingChange[],
    commitTime: Timestamp,
    origin: ChangeOrigin,
    auth: AuthContext | undefined,
  ): CommitEvent {
    const changes: DocumentChange[] = [];
    let cutoff: Timestamp | undefined;
    for (const { path, fields } of pending) {
      let entry = this.documents.get(path);
      const before = entry?.current();
      if (fields === null && before === undefined) continue;
      if (entry === undefined) {
        const collection = this.ensureCollection(parentOf(path));
        entry = new DocumentEntry(path, this.name.documentsRoot, collection);
        this.documents.set(path, entry);
        collection.insert(entry);
      }
      const createTime = before?.createTime ?? commitTime;
      const version = { entry, fields, createTime, updateTime: commitTime };
      entry.versions.push(version);
      if (entry.versions.length > 1) {
        cutoff ??= timestampFromMicros(timestampToMicros(commitTime) - this.historyMicros);
        const second = entry.versions[1];
        if (
          entry.versions.length > MAX_VERSIONS ||
          (second !== undefined && compareTimestamps(second.updateTime, cutoff) <= 0)
        ) {
          entry.prune(cutoff, MAX_VERSIONS);
        }
      }
      const after = entry.current();
      if (before === undefined && after !== undefined) {
        entry.collection.liveCount++;
        this.liveDocuments++;
      } else if (before !== undefined && after === undefined) {
        entry.collection.liveCount--;
        this.liveDocuments--;
      }
      changes.push({ entry, before, after });
    }
    const event: CommitEvent = { db: this, commitTime, changes, origin, auth };
    if (changes.length > 0) for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Deletes every document (the REST "clear data" call). */
  clear(commitTime: Timestamp): CommitEvent {
    const pending: PendingChange[] = [];
    for (const entry of this.documents.values())
      if (entry.current() !== undefined) pending.push({ path: entry.path, fields: null });
    const event = this.install(pending, commitTime, 'clear', undefined);
    // History is dropped as well: a cleared emulator should not answer reads from before.
    this.documents.clear();
    this.collections.clear();
    this.groups.clear();
    this.liveDocuments = 0;
    return event;
  }

  /** Forgets deleted documents and versions older than the history window. */
  sweep(now: Timestamp): void {
    const cutoff = timestampFromMicros(timestampToMicros(now) - this.historyMicros);
    for (const entry of [...this.documents.values()]) {
      entry.prune(cutoff, MAX_VERSIONS);
      const latest = entry.latest();
      if (
        latest !== undefined &&
        latest.fields === null &&
        compareTimestamps(latest.updateTime, cutoff) <= 0
      ) {
        this.documents.delete(entry.path);
        entry.collection.remove(entry);
        if (entry.collection.entries.length === 0) this.dropCollection(entry.collection);
      }
    }
  }

  private ensureCollection(path: string): CollectionIndex {
    let collection = this.collections.get(path);
    if (collection === undefined) {
      collection = new CollectionIndex(path);
      this.collections.set(path, collection);
      let group = this.groups.get(collection.id);
      if (group === undefined) {
        group = new Set();
        this.groups.set(collection.id, group);
      }
      group.add(collection);
    }
    return collection;
  }

  private dropCollection(collection: CollectionIndex): void {
    this.collections.delete(collection.path);
    const group = this.groups.get(collection.id);
    group?.delete(collection);
    if (group?.size === 0) this.groups.delete(collection.id);
  }
}

const EMPTY_SET: ReadonlySet<CollectionIndex> = new Set();
/** Versions kept per document at most, whatever the history window. */
const MAX_VERSIONS = 100;
