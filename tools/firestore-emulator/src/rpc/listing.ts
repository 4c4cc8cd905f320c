import type { EmulatorContext } from '../context.js';
import { invalidArgument, unimplemented } from '../errors.js';
import { encodeDocument } from '../proto/codec.js';
import type { ListCollectionIdsRequestProto, ListDocumentsRequestProto } from '../proto/types.js';
import { runQuery } from '../query/execute.js';
import type { Query } from '../query/model.js';
import type { ReadCoordinator, ReadScope } from '../reads.js';
import { databaseOf, parseParentName, validateCollectionId } from '../resource-names.js';
import type { Database } from '../store/database.js';
import type { DocumentEntry, LiveDocument } from '../store/document.js';
import type { Timestamp } from '../timestamp.js';
import { compareSegments, compareUtf8 } from '../values.js';
import { maskOf, type Response } from './common.js';

/** ListDocuments and ListCollectionIds, with page tokens that name the last item returned. */
export class ListingRpcs {
  constructor(
    private readonly context: EmulatorContext,
    private readonly reads: ReadCoordinator,
  ) {}

  async listDocuments(request: ListDocumentsRequestProto): Promise<Response> {
    const name = databaseOf(request.parent, 'parent');
    const db = this.context.databases.get(name);
    const parentPath = parseParentName(name, request.parent);
    if (request.collectionId !== '') validateCollectionId(request.collectionId);
    const orderBy = request.orderBy.trim().toLowerCase().replace(/\s+/g, ' ');
    if (
      orderBy !== '' &&
      orderBy !== '__name__' &&
      orderBy !== '__name__ asc' &&
      orderBy !== '__name__ desc'
    ) {
      throw unimplemented(
        'ListDocuments order_by other than __name__ is not implemented by the Keymeter Firestore emulator; use RunQuery.',
      );
    }
    const descending = orderBy === '__name__ desc';
    if (request.pageSize < 0) throw invalidArgument('page_size must not be negative.');
    const mask = maskOf(request.mask);
    const scope = this.reads.scope(db, request, false);
    const query: Query = {
      parentPath,
      collectionId: request.collectionId,
      allDescendants: request.collectionId === '',
      filter: undefined,
      orders: [{ path: ['__name__'], isName: true, descending }],
      requiredFields: [],
      startAt: undefined,
      endAt: undefined,
      offset: 0,
      limit: undefined,
      projection: undefined,
      nameOrderOnly: true,
      findNearest: undefined,
    };
    await this.reads.lockQuery(db, scope, query);

    type Item = { segments: readonly string[]; path: string; doc: LiveDocument | undefined };
    const items: Item[] = (
      request.collectionId === ''
        ? runQuery(db, query, scope.historicTime).filter(
            (doc) => doc.entry.collection.parentPath === parentPath,
          )
        : runQuery(db, query, scope.historicTime)
    ).map((doc) => ({ segments: doc.entry.segments, path: doc.entry.path, doc }));
    if (request.showMissing && request.collectionId !== '') {
      const collectionPath =
        parentPath === '' ? request.collectionId : `${parentPath}/${request.collectionId}`;
      const present = new Set(items.map((item) => item.path));
      for (const id of missingDocumentIds(db, collectionPath, scope)) {
        const path = `${collectionPath}/${id}`;
        if (!present.has(path)) items.push({ segments: path.split('/'), path, doc: undefined });
      }
      items.sort((a, b) => compareSegments(a.segments, b.segments) * (descending ? -1 : 1));
    }
    let start = 0;
    if (request.pageToken !== '') {
      const after = Buffer.from(request.pageToken, 'base64url').toString('utf8');
      const afterSegments = after.split('/');
      start = items.findIndex(
        (item) => compareSegments(item.segments, afterSegments) * (descending ? -1 : 1) > 0,
      );
      if (start === -1) start = items.length;
    }
    const pageSize = request.pageSize > 0 ? request.pageSize : 300;
    const page = items.slice(start, start + pageSize);
    const last = page[page.length - 1];
    this.context.stats.reads += Math.max(1, page.length);
    return {
      documents: page.map((item) =>
        item.doc === undefined
          ? { name: `${name.documentsRoot}/${item.path}`, fields: {} }
          : encodeDocument(item.doc, mask),
      ),
      nextPageToken:
        start + pageSize < items.length && last !== undefined
          ? Buffer.from(last.path).toString('base64url')
          : '',
    };
  }

  listCollectionIds(request: ListCollectionIdsRequestProto): Response {
    const name = databaseOf(request.parent, 'parent');
    const db = this.context.databases.get(name);
    const parentPath = parseParentName(name, request.parent);
    const readTime = request.readTime === null ? undefined : this.reads.readTime(request.readTime);
    const prefix = parentPath === '' ? '' : `${parentPath}/`;
    const ids = new Set<string>();
    for (const collection of db.allCollections()) {
      if (!collection.path.startsWith(prefix)) continue;
      const rest = collection.path.slice(prefix.length);
      const id = rest.split('/', 1)[0] ?? '';
      if (ids.has(id)) continue;
      if (hasLiveDocument(collection.entries, readTime)) ids.add(id);
    }
    const sorted = [...ids].sort(compareUtf8);
    let start = 0;
    if (request.pageToken !== '') {
      const after = Buffer.from(request.pageToken, 'base64url').toString('utf8');
      start = sorted.findIndex((id) => compareUtf8(id, after) > 0);
      if (start === -1) start = sorted.length;
    }
    if (request.pageSize < 0) throw invalidArgument('page_size must not be negative.');
    const pageSize = request.pageSize > 0 ? request.pageSize : sorted.length;
    const page = sorted.slice(start, start + pageSize);
    const last = page[page.length - 1];
    return {
      collectionIds: page,
      nextPageToken:
        start + pageSize < sorted.length && last !== undefined ? Buffer.from(last).toString('base64url') : '',
    };
  }
}

function hasLiveDocument(entries: readonly DocumentEntry[], readTime: Timestamp | undefined): boolean {
  return entries.some((entry) => entry.at(readTime) !== undefined);
}

/** IDs of documents in a collection that do not exist but have descendants that do. */
function missingDocumentIds(db: Database, collectionPath: string, scope: ReadScope): string[] {
  const prefix = `${collectionPath}/`;
  const ids = new Set<string>();
  for (const collection of db.allCollections()) {
    if (!collection.path.startsWith(prefix)) continue;
    const id = collection.path.slice(prefix.length).split('/', 1)[0] ?? '';
    if (ids.has(id)) continue;
    if (db.document(`${collectionPath}/${id}`, scope.historicTime) !== undefined) continue;
    if (hasLiveDocument(collection.entries, scope.historicTime)) ids.add(id);
  }
  return [...ids];
}
