import { randomBytes } from 'node:crypto';
import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import type { CommitPipeline, CommitResultData } from '../commit.js';
import type { EmulatorContext } from '../context.js';
import { Code, invalidArgument, notFound } from '../errors.js';
import type { FieldPath } from '../field-path.js';
import { encodeDocument, encodeTimestamp, encodeValue } from '../proto/codec.js';
import type {
  BatchGetDocumentsRequestProto,
  BatchWriteRequestProto,
  BeginTransactionRequestProto,
  CommitRequestProto,
  CreateDocumentRequestProto,
  DeleteDocumentRequestProto,
  GetDocumentRequestProto,
  RollbackRequestProto,
  UpdateDocumentRequestProto,
} from '../proto/types.js';
import type { ReadCoordinator } from '../reads.js';
import {
  databaseOf,
  parseDatabaseName,
  parseDocumentName,
  parseParentName,
  validateCollectionId,
} from '../resource-names.js';
import type { Database } from '../store/database.js';
import type { Transaction } from '../transactions.js';
import { parseWrite, type ParsedWrite } from '../writes.js';
import { authFrom, maskOf, type Response } from './common.js';

const AUTO_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Document reads, writes and transactions: Get/Create/Update/Delete, BatchGet, Commit, BatchWrite, Begin/Rollback. */
export class DocumentRpcs {
  constructor(
    private readonly context: EmulatorContext,
    private readonly commits: CommitPipeline,
    private readonly reads: ReadCoordinator,
  ) {}

  async getDocument(request: GetDocumentRequestProto): Promise<Response> {
    const name = databaseOf(request.name, 'name');
    const db = this.context.databases.get(name);
    const path = parseDocumentName(name, request.name, 'name');
    const mask = maskOf(request.mask);
    const scope = this.reads.scope(db, request, false);
    await this.reads.lockDocuments(db, scope, [path]);
    this.context.stats.reads++;
    const doc = db.document(path, scope.historicTime);
    if (doc === undefined) throw notFound(`Document "${request.name}" not found.`);
    return encodeDocument(doc, mask);
  }

  createDocument(request: CreateDocumentRequestProto, metadata: Metadata): Response | Promise<Response> {
    const name = databaseOf(request.parent, 'parent');
    const db = this.context.databases.get(name);
    const parentPath = parseParentName(name, request.parent);
    const collectionId = validateCollectionId(request.collectionId);
    const documentId = request.documentId === '' ? autoId() : request.documentId;
    const path = `${parentPath === '' ? '' : `${parentPath}/`}${collectionId}/${documentId}`;
    const documentName = `${name.documentsRoot}/${path}`;
    parseDocumentName(name, documentName, 'document');
    const write = parseWrite(
      {
        operation: 'update',
        update: {
          name: documentName,
          fields: request.document?.fields ?? {},
          createTime: null,
          updateTime: null,
        },
        updateMask: null,
        updateTransforms: [],
        currentDocument: { conditionType: 'exists', exists: false },
      },
      name,
    );
    return this.thenDocument(
      this.commits.commit(db, [write], undefined, authFrom(metadata)),
      db,
      path,
      maskOf(request.mask),
    );
  }

  updateDocument(request: UpdateDocumentRequestProto, metadata: Metadata): Response | Promise<Response> {
    const document = request.document;
    if (document === null) throw invalidArgument('UpdateDocument requires a document.');
    const name = databaseOf(document.name, 'document.name');
    const db = this.context.databases.get(name);
    const write = parseWrite(
      {
        operation: 'update',
        update: document,
        updateMask: request.updateMask,
        updateTransforms: [],
        currentDocument: request.currentDocument,
      },
      name,
    );
    return this.thenDocument(
      this.commits.commit(db, [write], undefined, authFrom(metadata)),
      db,
      write.path,
      maskOf(request.mask),
    );
  }

  private thenDocument(
    result: CommitResultData | Promise<CommitResultData>,
    db: Database,
    path: string,
    mask: readonly FieldPath[] | undefined,
  ): Response | Promise<Response> {
    const finish = () => {
      const doc = db.document(path);
      if (doc === undefined) throw notFound(`Document "${db.name.documentsRoot}/${path}" not found.`);
      return encodeDocument(doc, mask);
    };
    return result instanceof Promise ? result.then(finish) : finish();
  }

  deleteDocument(request: DeleteDocumentRequestProto, metadata: Metadata): Response | Promise<Response> {
    const name = databaseOf(request.name, 'name');
    const db = this.context.databases.get(name);
    const write = parseWrite(
      {
        operation: 'delete',
        delete: request.name,
        updateMask: null,
        updateTransforms: [],
        currentDocument: request.currentDocument,
      },
      name,
    );
    const result = this.commits.commit(db, [write], undefined, authFrom(metadata));
    return result instanceof Promise ? result.then(() => ({})) : {};
  }

  async batchGet(
    request: BatchGetDocumentsRequestProto,
    call: ServerWritableStream<unknown, Response>,
  ): Promise<void> {
    const name = parseDatabaseName(request.database);
    const db = this.context.databases.get(name);
    const paths = request.documents.map((document) => parseDocumentName(name, document, 'document'));
    const mask = maskOf(request.mask);
    const scope = this.reads.scope(db, request, true);
    try {
      await this.reads.lockDocuments(db, scope, paths);
    } catch (error) {
      this.reads.failed(scope);
      throw error;
    }
    const readTime = encodeTimestamp(this.reads.responseReadTime(scope));
    const transaction = scope.begun?.token;
    this.context.stats.reads += paths.length;
    if (paths.length === 0 && transaction !== undefined) call.write({ transaction, readTime });
    paths.forEach((path, i) => {
      const doc = db.document(path, scope.historicTime);
      const response: Record<string, unknown> =
        doc === undefined
          ? { missing: request.documents[i], readTime }
          : { found: encodeDocument(doc, mask), readTime };
      if (i === 0 && transaction !== undefined) response['transaction'] = transaction;
      call.write(response);
    });
  }

  beginTransaction(request: BeginTransactionRequestProto): Response {
    const db = this.context.databases.get(parseDatabaseName(request.database));
    return { transaction: this.reads.begin(db, request.options).token };
  }

  rollback(request: RollbackRequestProto): Response {
    const db = this.context.databases.get(parseDatabaseName(request.database));
    if (request.transaction.length === 0) throw invalidArgument('Rollback requires a transaction.');
    this.context.transactions.rollback(request.transaction, db);
    return {};
  }

  commit(request: CommitRequestProto, metadata: Metadata): Response | Promise<Response> {
    const name = parseDatabaseName(request.database);
    const db = this.context.databases.get(name);
    let transaction: Transaction | undefined;
    if (request.transaction.length > 0)
      transaction = this.context.transactions.lookup(request.transaction, db);
    let writes: ParsedWrite[];
    try {
      writes = request.writes.map((write) => parseWrite(write, name));
    } catch (error) {
      // A malformed commit ends its transaction, as the commit would have.
      if (transaction !== undefined) this.context.transactions.end(transaction);
      throw error;
    }
    const result = this.commits.commit(db, writes, transaction, authFrom(metadata));
    return result instanceof Promise ? result.then(encodeCommitResult) : encodeCommitResult(result);
  }

  async batchWrite(request: BatchWriteRequestProto, metadata: Metadata): Promise<Response> {
    const name = parseDatabaseName(request.database);
    const db = this.context.databases.get(name);
    const writes = request.writes.map((write) => parseWrite(write, name));
    const seen = new Set<string>();
    for (const write of writes) {
      if (seen.has(write.path))
        throw invalidArgument(`BatchWrite cannot write the same document more than once: ${write.name}`);
      seen.add(write.path);
    }
    const { results, statuses } = await this.commits.batchWrite(db, writes, authFrom(metadata));
    return {
      writeResults: results.map((result) => (result === undefined ? {} : encodeWriteResult(result))),
      status: statuses.map((status) =>
        status === undefined
          ? { code: Code.OK, message: '' }
          : { code: status.code, message: status.message },
      ),
    };
  }
}

function encodeWriteResult(result: CommitResultData['writeResults'][number]): Response {
  return {
    ...(result.updateTime === undefined ? {} : { updateTime: encodeTimestamp(result.updateTime) }),
    transformResults: result.transformResults.map(encodeValue),
  };
}

function encodeCommitResult(result: CommitResultData): Response {
  return {
    writeResults: result.writeResults.map(encodeWriteResult),
    commitTime: encodeTimestamp(result.commitTime),
  };
}

function autoId(): string {
  const bytes = randomBytes(20);
  let id = '';
  for (const byte of bytes) id += AUTO_ID_ALPHABET[byte % AUTO_ID_ALPHABET.length] ?? 'A';
  return id;
}
