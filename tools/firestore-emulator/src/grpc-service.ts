import {
  Metadata,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type ServerDuplexStream,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { CommitPipeline } from './commit.js';
import type { EmulatorContext } from './context.js';
import { Code, invalidArgument, toFirestoreError, unimplemented, type FirestoreError } from './errors.js';
import type { ListenService } from './listen.js';
import { UndecodableRequest } from './proto/schema.js';
import type {
  BatchGetDocumentsRequestProto,
  BatchWriteRequestProto,
  BeginTransactionRequestProto,
  CommitRequestProto,
  CreateDocumentRequestProto,
  DeleteDocumentRequestProto,
  GetDocumentRequestProto,
  ListCollectionIdsRequestProto,
  ListDocumentsRequestProto,
  PartitionQueryRequestProto,
  RollbackRequestProto,
  RunAggregationQueryRequestProto,
  RunQueryRequestProto,
  UpdateDocumentRequestProto,
} from './proto/types.js';
import { ReadCoordinator } from './reads.js';
import type { Response } from './rpc/common.js';
import { DocumentRpcs } from './rpc/documents.js';
import { ListingRpcs } from './rpc/listing.js';
import { QueryRpcs } from './rpc/queries.js';

/**
 * The google.firestore.v1.Firestore service: maps each RPC to its handler (src/rpc/), turns
 * undecodable requests and exceptions into gRPC statuses, and counts calls.
 */
export class FirestoreService {
  private readonly documents: DocumentRpcs;
  private readonly listing: ListingRpcs;
  private readonly queries: QueryRpcs;

  constructor(
    private readonly context: EmulatorContext,
    private readonly listen: ListenService,
  ) {
    const commits = new CommitPipeline(context);
    const reads = new ReadCoordinator(context);
    this.documents = new DocumentRpcs(context, commits, reads);
    this.listing = new ListingRpcs(context, reads);
    this.queries = new QueryRpcs(context, reads);
  }

  implementation(): UntypedServiceImplementation {
    return {
      GetDocument: this.unary('GetDocument', (request: GetDocumentRequestProto) =>
        this.documents.getDocument(request),
      ),
      ListDocuments: this.unary('ListDocuments', (request: ListDocumentsRequestProto) =>
        this.listing.listDocuments(request),
      ),
      CreateDocument: this.unary('CreateDocument', (request: CreateDocumentRequestProto, metadata) =>
        this.documents.createDocument(request, metadata),
      ),
      UpdateDocument: this.unary('UpdateDocument', (request: UpdateDocumentRequestProto, metadata) =>
        this.documents.updateDocument(request, metadata),
      ),
      DeleteDocument: this.unary('DeleteDocument', (request: DeleteDocumentRequestProto, metadata) =>
        this.documents.deleteDocument(request, metadata),
      ),
      BatchGetDocuments: this.serverStream(
        'BatchGetDocuments',
        (request: BatchGetDocumentsRequestProto, call) => this.documents.batchGet(request, call),
      ),
      BeginTransaction: this.unary('BeginTransaction', (request: BeginTransactionRequestProto) =>
        this.documents.beginTransaction(request),
      ),
      Commit: this.unary('Commit', (request: CommitRequestProto, metadata) =>
        this.documents.commit(request, metadata),
      ),
      Rollback: this.unary('Rollback', (request: RollbackRequestProto) => this.documents.rollback(request)),
      RunQuery: this.serverStream('RunQuery', (request: RunQueryRequestProto, call) =>
        this.queries.runQuery(request, call),
      ),
      RunAggregationQuery: this.serverStream(
        'RunAggregationQuery',
        (request: RunAggregationQueryRequestProto, call) => this.queries.runAggregationQuery(request, call),
      ),
      PartitionQuery: this.unary('PartitionQuery', (request: PartitionQueryRequestProto) =>
        this.queries.partitionQuery(request),
      ),
      ListCollectionIds: this.unary('ListCollectionIds', (request: ListCollectionIdsRequestProto) =>
        this.listing.listCollectionIds(request),
      ),
      BatchWrite: this.unary('BatchWrite', (request: BatchWriteRequestProto, metadata) =>
        this.documents.batchWrite(request, metadata),
      ),
      Write: (call: ServerDuplexStream<unknown, Response>) => {
        this.context.stats.rpc('Write');
        call.on('error', () => undefined);
        call.emit(
          'error',
          statusOf(unimplemented('Firestore.Write is not implemented by the Keymeter Firestore emulator.')),
        );
      },
      Listen: (call: ServerDuplexStream<unknown, never>) => this.listen.handle(call),
    };
  }

  private unary<Request>(
    method: string,
    handler: (request: Request, metadata: Metadata) => Response | Promise<Response>,
  ): handleUnaryCall<unknown, Response> {
    return (call, callback) => {
      this.context.stats.rpc(method);
      let result: Response | Promise<Response>;
      try {
        result = handler(decoded<Request>(call.request, method), call.metadata);
      } catch (error) {
        callback(this.statusFor(method, error));
        return;
      }
      if (result instanceof Promise) {
        result.then(
          (value) => callback(null, value),
          (error: unknown) => callback(this.statusFor(method, error)),
        );
      } else {
        callback(null, result);
      }
    };
  }

  private serverStream<Request>(
    method: string,
    handler: (request: Request, call: ServerWritableStream<unknown, Response>) => Promise<void>,
  ): handleServerStreamingCall<unknown, Response> {
    return (call) => {
      this.context.stats.rpc(method);
      let run: Promise<void>;
      try {
        run = handler(decoded<Request>(call.request, method), call);
      } catch (error) {
        run = Promise.reject(error);
      }
      run.then(
        () => {
          if (!call.cancelled) call.end();
        },
        (error: unknown) => {
          if (call.cancelled) return;
          // Headers before the error status: the SDK's stream retry layer (retry-request) treats
          // an error that arrives without response headers as "no response" and silently
          // retries the call for seconds, even for ABORTED or INVALID_ARGUMENT.
          call.sendMetadata(new Metadata());
          call.emit('error', this.statusFor(method, error));
        },
      );
    };
  }

  private statusFor(method: string, error: unknown): { code: number; details: string } {
    const failure = toFirestoreError(error);
    if (failure.code === Code.INTERNAL) {
      this.context.logger.error(
        `${method}: ${failure.message}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`,
      );
    }
    return statusOf(failure);
  }
}

function statusOf(error: FirestoreError): { code: number; details: string } {
  return { code: error.code, details: error.message };
}

function decoded<Request>(request: unknown, method: string): Request {
  if (request instanceof UndecodableRequest)
    throw invalidArgument(`Malformed ${method} request: ${request.reason}`);
  return request as Request;
}
