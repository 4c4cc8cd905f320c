import { failedPrecondition } from '../errors.js';
import { compareTimestamps, formatTimestamp, type Timestamp } from '../timestamp.js';
import type { MapFields, Value } from '../values.js';
import type { CollectionIndex } from './collection.js';

/** One state of a document: live (fields set) or deleted (fields null) as of `updateTime`. */
export interface DocumentVersion {
  readonly entry: DocumentEntry;
  readonly fields: MapFields | null;
  readonly createTime: Timestamp;
  readonly updateTime: Timestamp;
}

export interface LiveDocument extends DocumentVersion {
  readonly fields: MapFields;
}

export function isLive(version: DocumentVersion | undefined): version is LiveDocument {
  return version !== undefined && version.fields !== null;
}

/**
 * Everything the store knows about one document path: its versions, oldest first, kept for the
 * history window so that reads at a past read_time (read-only transactions, resumed listens)
 * see exactly what was committed then.
 */
export class DocumentEntry {
  readonly segments: readonly string[];
  readonly id: string;
  /** `projects/p/databases/d/documents/<path>`. */
  readonly name: string;
  /** The document's `__name__` as a reference value. */
  readonly nameValue: Value;
  versions: DocumentVersion[] = [];
  /** Set once older versions were dropped: reads before versions[0] can no longer be answered. */
  private truncated = false;

  constructor(
    readonly path: string,
    documentsRoot: string,
    readonly collection: CollectionIndex,
  ) {
    this.segments = path.split('/');
    this.id = this.segments[this.segments.length - 1] ?? '';
    this.name = `${documentsRoot}/${path}`;
    this.nameValue = { type: 'reference', value: this.name };
  }

  latest(): DocumentVersion | undefined {
    return this.versions[this.versions.length - 1];
  }

  current(): LiveDocument | undefined {
    const latest = this.latest();
    return isLive(latest) ? latest : undefined;
  }

  /** The live version at `readTime`, if the document existed then. */
  at(readTime: Timestamp | undefined): LiveDocument | undefined {
    if (readTime === undefined) return this.current();
    for (let i = this.versions.length - 1; i >= 0; i--) {
      const version = this.versions[i];
      if (version !== undefined && compareTimestamps(version.updateTime, readTime) <= 0) {
        return isLive(version) ? version : undefined;
      }
    }
    if (this.truncated) {
      throw failedPrecondition(
        `The history of ${this.name} retained by the emulator does not reach back to ${formatTimestamp(readTime)}.`,
      );
    }
    return undefined;
  }

  /**
   * Drops versions no read can ask for any more: all but the newest one at or before `cutoff`,
   * and beyond `maxVersions` the oldest ones (a document rewritten thousands of times an hour
   * would otherwise hold all of them).
   */
  prune(cutoff: Timestamp, maxVersions: number): void {
    let keepFrom = 0;
    for (let i = this.versions.length - 1; i >= 0; i--) {
      const version = this.versions[i];
      if (version !== undefined && compareTimestamps(version.updateTime, cutoff) <= 0) {
        keepFrom = i;
        break;
      }
    }
    keepFrom = Math.max(keepFrom, this.versions.length - maxVersions);
    if (keepFrom > 0) {
      this.versions = this.versions.slice(keepFrom);
      this.truncated = true;
    }
  }
}
