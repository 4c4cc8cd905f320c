import { invalidArgument } from './errors.js';
import { numericId } from './values.js';

/** `projects/{project}/databases/{database}`, parsed. */
export interface DatabaseName {
  readonly project: string;
  readonly database: string;
  /** The canonical `projects/{p}/databases/{d}` string. */
  readonly name: string;
  /** `projects/{p}/databases/{d}/documents`, the root of document names. */
  readonly documentsRoot: string;
}

const PROJECT_ID = /^[a-z0-9][a-z0-9.:_-]{0,127}$/i;
const DATABASE_ID = /^(\(default\)|[a-z][a-z0-9-]{1,61}[a-z0-9])$/;
const RESERVED_ID = /^__.*__$/;
const MAX_PATH_BYTES = 1500;

const databaseCache = new Map<string, DatabaseName>();

export function makeDatabaseName(project: string, database: string): DatabaseName {
  const name = `projects/${project}/databases/${database}`;
  return { project, database, name, documentsRoot: `${name}/documents` };
}

/** Parses `projects/{p}/databases/{d}`. */
export function parseDatabaseName(text: string, field = 'database'): DatabaseName {
  const cached = databaseCache.get(text);
  if (cached !== undefined) return cached;
  const parts = text.split('/');
  if (parts.length !== 4 || parts[0] !== 'projects' || parts[2] !== 'databases') {
    throw invalidArgument(
      `Invalid ${field} "${text}": expected "projects/{project_id}/databases/{database_id}".`,
    );
  }
  const project = parts[1] ?? '';
  const database = parts[3] ?? '';
  validateProjectAndDatabase(project, database, text);
  const parsed = makeDatabaseName(project, database);
  if (databaseCache.size < 1000) databaseCache.set(text, parsed);
  return parsed;
}

function validateProjectAndDatabase(project: string, database: string, text: string): void {
  if (!PROJECT_ID.test(project)) throw invalidArgument(`Invalid project ID "${project}" in "${text}".`);
  if (!DATABASE_ID.test(database)) {
    throw invalidArgument(
      `Invalid database ID "${database}" in "${text}": use "(default)" or 4-63 characters of ` +
        'lowercase letters, digits and hyphens, starting with a letter.',
    );
  }
}

/**
 * Parses a resource name under a database's document root and returns the path relative to it
 * ('' for the root itself). Works for documents, collections and parents alike; callers check
 * the segment count.
 */
export function relativePath(db: DatabaseName, name: string, field: string): string {
  if (name === db.documentsRoot) return '';
  if (name.startsWith(db.documentsRoot) && name.charCodeAt(db.documentsRoot.length) === 47 /* / */) {
    return name.slice(db.documentsRoot.length + 1);
  }
  if (name.startsWith('projects/')) {
    const parts = name.split('/');
    if (parts.length >= 5 && parts[2] === 'databases' && parts[4] === 'documents') {
      throw invalidArgument(
        `${field} "${name}" is not in the database of this request (${db.name}); ` +
          'all resource names in a request must belong to the same project and database.',
      );
    }
  }
  throw invalidArgument(`Invalid ${field} "${name}": expected a name under "${db.documentsRoot}".`);
}

/**
 * Checks the segments of a path relative to the documents root: collection ids at even
 * positions, document ids at odd ones. Ids matching __.*__ are reserved, except numeric document
 * ids (`__id<int64>__`), which Firestore accepts.
 */
export function validateSegments(path: string, name: string, field: string): string[] {
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? '';
    if (segment.length === 0)
      throw invalidArgument(`Invalid ${field} "${name}": it has an empty path segment.`);
    if (segment === '.' || segment === '..') {
      throw invalidArgument(`Invalid ${field} "${name}": "${segment}" is not a valid ID.`);
    }
    if (RESERVED_ID.test(segment) && (i % 2 === 0 || numericId(segment) === undefined)) {
      throw invalidArgument(
        `Invalid ${field} "${name}": IDs matching __.*__ are reserved ("${segment}"); ` +
          'only document IDs of the form __id<integer>__ are allowed.',
      );
    }
  }
  if (Buffer.byteLength(path, 'utf8') > MAX_PATH_BYTES) {
    throw invalidArgument(`Invalid ${field} "${name}": the path exceeds ${MAX_PATH_BYTES} bytes.`);
  }
  return segments;
}

/** A document name: relative path with an even, non-zero number of segments. */
export function parseDocumentName(db: DatabaseName, name: string, field = 'document name'): string {
  const path = relativePath(db, name, field);
  if (path === '')
    throw invalidArgument(`Invalid ${field} "${name}": it names the database root, not a document.`);
  const segments = validateSegments(path, name, field);
  if (segments.length % 2 !== 0) {
    throw invalidArgument(`Invalid ${field} "${name}": it names a collection, not a document.`);
  }
  return path;
}

/** A parent: the database root ('') or a document. */
export function parseParentName(db: DatabaseName, name: string, field = 'parent'): string {
  const path = relativePath(db, name, field);
  if (path === '') return '';
  const segments = validateSegments(path, name, field);
  if (segments.length % 2 !== 0) {
    throw invalidArgument(`Invalid ${field} "${name}": a parent must be the documents root or a document.`);
  }
  return path;
}

export function validateCollectionId(id: string, field = 'collection_id'): string {
  if (id.length === 0) throw invalidArgument(`${field} must not be empty.`);
  if (id.includes('/')) throw invalidArgument(`Invalid ${field} "${id}": it must not contain "/".`);
  validateSegments(id, id, field);
  return id;
}

export function documentName(db: DatabaseName, path: string): string {
  return `${db.documentsRoot}/${path}`;
}

/** 'a/b/c/d' → 'a/b/c' (the collection of a document, or the document of a collection). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

/** The database a resource name (document, parent) belongs to. */
export function databaseOf(name: string, field: string): DatabaseName {
  const parts = name.split('/', 5);
  if (parts.length < 5 || parts[0] !== 'projects' || parts[2] !== 'databases' || parts[4] !== 'documents') {
    throw invalidArgument(
      `Invalid ${field} "${name}": expected "projects/{project_id}/databases/{database_id}/documents/...".`,
    );
  }
  return parseDatabaseName(parts.slice(0, 4).join('/'), field);
}
