import { compareIds } from '../values.js';
import type { DocumentEntry } from './document.js';

/**
 * The documents of one collection, sorted by document ID in Firestore's order (numeric ids by
 * value, then string ids by UTF-8 bytes), which is also `__name__` order within the collection.
 * Entries stay while they have history, so a deleted document can still be found by reads at an
 * earlier time.
 */
export class CollectionIndex {
  readonly entries: DocumentEntry[] = [];
  /** Number of entries whose latest version is live. */
  liveCount = 0;
  readonly id: string;
  readonly parentPath: string;
  readonly segments: readonly string[];

  constructor(readonly path: string) {
    const slash = path.lastIndexOf('/');
    this.id = path.slice(slash + 1);
    this.parentPath = slash === -1 ? '' : path.slice(0, slash);
    this.segments = path.split('/');
  }

  /** Index of the first entry whose ID is >= `id`. */
  lowerBound(id: string): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = this.entries[mid];
      if (entry !== undefined && compareIds(entry.id, id) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  insert(entry: DocumentEntry): void {
    this.entries.splice(this.lowerBound(entry.id), 0, entry);
  }

  remove(entry: DocumentEntry): void {
    const index = this.lowerBound(entry.id);
    if (this.entries[index] === entry) this.entries.splice(index, 1);
  }
}
