import type { CollectionIndex } from '../store/collection.js';
import type { Database } from '../store/database.js';
import type { LiveDocument } from '../store/document.js';
import type { Timestamp } from '../timestamp.js';
import { afterStart, beforeEnd, compareDocuments, hasRequiredFields, matchesFilter } from './evaluate.js';
import type { Query } from './model.js';
import { findNearest } from './nearest.js';

/** The collections a query reads. */
export function collectionsFor(db: Database, query: Query): CollectionIndex[] {
  if (!query.allDescendants) {
    const path = query.parentPath === '' ? query.collectionId : `${query.parentPath}/${query.collectionId}`;
    const collection = db.collection(path);
    return collection === undefined ? [] : [collection];
  }
  const prefix = query.parentPath === '' ? '' : `${query.parentPath}/`;
  const candidates = query.collectionId === '' ? db.allCollections() : db.group(query.collectionId).values();
  const out: CollectionIndex[] = [];
  for (const collection of candidates)
    if (prefix === '' || collection.path.startsWith(prefix)) out.push(collection);
  return out;
}

function matches(doc: LiveDocument, query: Query): boolean {
  return (
    hasRequiredFields(doc, query) &&
    (query.filter === undefined || matchesFilter(doc, query.filter)) &&
    afterStart(doc, query) &&
    beforeEnd(doc, query)
  );
}

/**
 * Runs a query against the database as of `readTime` (latest when undefined). Returns the
 * documents in query order after cursors, offset and limit, then, for a vector search, the
 * nearest of those in distance order.
 */
export function runQuery(db: Database, query: Query, readTime?: Timestamp): LiveDocument[] {
  const documents = orderedResults(db, query, readTime);
  return query.findNearest === undefined ? documents : findNearest(documents, query.findNearest);
}

function orderedResults(db: Database, query: Query, readTime: Timestamp | undefined): LiveDocument[] {
  const collections = collectionsFor(db, query);
  const wanted = query.limit === undefined ? Infinity : query.offset + query.limit;
  if (wanted === 0) return [];

  // One collection ordered by __name__ only: entries are already in order, so stop early.
  const only = collections[0];
  if (collections.length === 1 && only !== undefined && query.nameOrderOnly) {
    const descending = query.orders[0]?.descending === true;
    const out: LiveDocument[] = [];
    const entries = only.entries;
    for (let k = 0; k < entries.length && out.length < wanted; k++) {
      const entry = entries[descending ? entries.length - 1 - k : k];
      const doc = entry?.at(readTime);
      if (doc === undefined) continue;
      if (!beforeEnd(doc, query)) break;
      if (matches(doc, query)) out.push(doc);
    }
    return out.slice(query.offset);
  }

  const found: LiveDocument[] = [];
  for (const collection of collections) {
    for (const entry of collection.entries) {
      const doc = entry.at(readTime);
      if (doc !== undefined && matches(doc, query)) found.push(doc);
    }
  }
  found.sort((a, b) => compareDocuments(a, b, query.orders));
  return query.limit === undefined ? found.slice(query.offset) : found.slice(query.offset, wanted);
}
