import { Metadata, type ServerDuplexStream } from '@grpc/grpc-js';
import type { EmulatorContext } from './context.js';
import { Code, invalidArgument, toFirestoreError, type FirestoreError } from './errors.js';
import { encodeDocument, encodeTimestamp } from './proto/codec.js';
import { UndecodableRequest } from './proto/schema.js';
import type { DocumentOut, ListenRequestProto, TargetProto, TimestampOut } from './proto/types.js';
import { inScope, matchesQuery } from './query/evaluate.js';
import { runQuery } from './query/execute.js';
import type { Query } from './query/model.js';
import { parseStructuredQuery } from './query/parse.js';
import { parseDatabaseName, parseDocumentName, parseParentName } from './resource-names.js';
import type { CommitEvent, Database } from './store/database.js';
import type { LiveDocument } from './store/document.js';
import { timestampToMicros, type Timestamp } from './timestamp.js';

const TargetChangeType = { NO_CHANGE: 0, ADD: 1, REMOVE: 2, CURRENT: 3, RESET: 4 } as const;
const HEARTBEAT_MS = 30_000;

type ListenResponse =
  | {
      targetChange: {
        targetChangeType: number;
        targetIds: number[];
        cause?: { code: number; message: string };
        resumeToken?: Buffer;
        readTime?: TimestampOut;
      };
    }
  | { documentChange: { document: DocumentOut; targetIds: number[]; removedTargetIds: number[] } }
  | { documentDelete: { document: string; removedTargetIds: number[]; readTime: TimestampOut } }
  | { documentRemove: { document: string; removedTargetIds: number[]; readTime: TimestampOut } };

interface Target {
  readonly id: number;
  readonly documents: ReadonlySet<string> | undefined;
  readonly query: Query | undefined;
  /** Queries without limit or offset are maintained document by document. */
  readonly incremental: boolean;
  /** What the client holds: path → update time in micros. */
  readonly sent: Map<string, number>;
}

/**
 * The Listen stream, as @google-cloud/firestore's watch.js consumes it: for each target an ADD,
 * the matching documents, CURRENT, and then a global NO_CHANGE carrying the snapshot's read
 * time (the client only raises a snapshot on that). Every later commit that touches a target
 * sends document changes / deletes / removes followed by a global NO_CHANGE at the commit time,
 * so snapshots arrive in commit order with increasing read times. A target resumed with a
 * resume token or read time gets a RESET first and then the full current state, which the
 * client reconciles exactly.
 */
export class ListenService {
  private readonly streams = new Map<Database, Set<ListenStream>>();

  constructor(private readonly context: EmulatorContext) {
    context.databases.onCommit((event) => {
      const streams = this.streams.get(event.db);
      if (streams !== undefined) for (const stream of streams) stream.onCommit(event);
    });
  }

  handle(call: ServerDuplexStream<unknown, ListenResponse>): void {
    this.context.stats.rpc('Listen');
    const stream = new ListenStream(
      call,
      this.context,
      (db) => this.register(db, stream),
      () => this.unregister(stream),
    );
    call.on('data', (request: unknown) => stream.onRequest(request));
    call.on('end', () => stream.close());
    call.on('cancelled', () => stream.close());
    call.on('error', () => stream.close());
  }

  activeStreams(): number {
    let count = 0;
    for (const set of this.streams.values()) count += set.size;
    return count;
  }

  private register(db: Database, stream: ListenStream): void {
    let set = this.streams.get(db);
    if (set === undefined) {
      set = new Set();
      this.streams.set(db, set);
    }
    set.add(stream);
  }

  private unregister(stream: ListenStream): void {
    for (const [db, set] of this.streams) {
      set.delete(stream);
      if (set.size === 0) this.streams.delete(db);
    }
  }
}

class ListenStream {
  private db: Database | undefined;
  private readonly targets = new Map<number, Target>();
  private nextServerTargetId = 0x10000;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: ServerDuplexStream<unknown, ListenResponse>,
    private readonly context: EmulatorContext,
    private readonly onDatabase: (db: Database) => void,
    private readonly onClose: () => void,
  ) {}

  onRequest(raw: unknown): void {
    if (this.closed) return;
    try {
      if (raw instanceof UndecodableRequest) throw invalidArgument(`Malformed ListenRequest: ${raw.reason}`);
      const request = raw as ListenRequestProto;
      const name = parseDatabaseName(request.database);
      const db = this.context.databases.get(name);
      if (this.db === undefined) {
        this.db = db;
        this.onDatabase(db);
        this.heartbeat = setInterval(() => this.sendHeartbeat(), HEARTBEAT_MS);
        this.heartbeat.unref();
      } else if (this.db !== db) {
        throw invalidArgument(
          `All requests on a Listen stream must use the same database (${this.db.name.name}).`,
        );
      }
      if (request.targetChange === 'addTarget' && request.addTarget) this.addTarget(db, request.addTarget);
      else if (request.targetChange === 'removeTarget') this.removeTarget(request.removeTarget ?? 0);
      else throw invalidArgument('A ListenRequest must set add_target or remove_target.');
    } catch (error) {
      this.fail(toFirestoreError(error));
    }
  }

  onCommit(event: CommitEvent): void {
    if (this.closed || this.targets.size === 0) return;
    const readTime = encodeTimestamp(event.commitTime);
    let sentSomething = false;
    for (const target of this.targets.values()) {
      if (this.applyCommit(target, event, readTime)) sentSomething = true;
    }
    if (sentSomething) this.sendNoChange(event.commitTime);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.onClose();
    if (!this.call.writableEnded) this.call.end();
  }

  private addTarget(db: Database, proto: TargetProto): void {
    let id = proto.targetId;
    if (id === 0) id = this.nextServerTargetId++;
    if (this.targets.has(id)) {
      this.send({
        targetChange: {
          targetChangeType: TargetChangeType.REMOVE,
          targetIds: [id],
          cause: {
            code: Code.INVALID_ARGUMENT,
            message: `Target ID ${id} is already in use on this stream.`,
          },
        },
      });
      return;
    }
    let target: Target;
    try {
      target = this.parseTarget(db, proto, id);
    } catch (error) {
      const failure = toFirestoreError(error);
      this.send({
        targetChange: {
          targetChangeType: TargetChangeType.REMOVE,
          targetIds: [id],
          cause: { code: failure.code, message: failure.message },
        },
      });
      return;
    }
    this.targets.set(id, target);
    const readTime = this.context.clock.readTime();
    this.send({ targetChange: { targetChangeType: TargetChangeType.ADD, targetIds: [id] } });
    if (proto.resumeType === 'resumeToken' || proto.resumeType === 'readTime') {
      this.send({ targetChange: { targetChangeType: TargetChangeType.RESET, targetIds: [id] } });
    }
    const documents = this.currentDocuments(db, target);
    for (const doc of documents) {
      target.sent.set(doc.entry.path, timestampToMicros(doc.updateTime));
      this.send({ documentChange: { document: encodeDocument(doc), targetIds: [id], removedTargetIds: [] } });
    }
    this.context.stats.reads += Math.max(1, documents.length);
    const encodedReadTime = encodeTimestamp(readTime);
    this.send({
      targetChange: {
        targetChangeType: TargetChangeType.CURRENT,
        targetIds: [id],
        resumeToken: resumeToken(readTime),
        readTime: encodedReadTime,
      },
    });
    if (proto.once) {
      this.targets.delete(id);
      this.send({ targetChange: { targetChangeType: TargetChangeType.REMOVE, targetIds: [id] } });
    }
    this.sendNoChange(readTime);
  }

  private parseTarget(db: Database, proto: TargetProto, id: number): Target {
    if (proto.targetType === 'documents') {
      const names = proto.documents?.documents ?? [];
      if (names.length === 0) throw invalidArgument('A documents target must name at least one document.');
      const documents = new Set(names.map((name) => parseDocumentName(db.name, name)));
      return { id, documents, query: undefined, incremental: true, sent: new Map() };
    }
    if (proto.targetType === 'query') {
      const queryTarget = proto.query;
      if (queryTarget === null || queryTarget === undefined || queryTarget.structuredQuery === null) {
        throw invalidArgument('A query target must have a structured_query.');
      }
      const parentPath = parseParentName(db.name, queryTarget.parent);
      const query = parseStructuredQuery(queryTarget.structuredQuery, parentPath, db.name);
      if (query.findNearest !== undefined) {
        throw invalidArgument('Vector search (find_nearest) does not support real-time listeners.');
      }
      const incremental = query.limit === undefined && query.offset === 0;
      return { id, documents: undefined, query, incremental, sent: new Map() };
    }
    throw invalidArgument('A target must be a query or a documents target.');
  }

  private currentDocuments(db: Database, target: Target): LiveDocument[] {
    if (target.query !== undefined) return runQuery(db, target.query);
    const out: LiveDocument[] = [];
    for (const path of target.documents ?? []) {
      const doc = db.document(path);
      if (doc !== undefined) out.push(doc);
    }
    return out;
  }

  /** Sends what `event` changes for `target`; returns whether anything was sent. */
  private applyCommit(target: Target, event: CommitEvent, readTime: TimestampOut): boolean {
    const relevant = event.changes.filter((change) =>
      target.documents !== undefined
        ? target.documents.has(change.entry.path)
        : target.query !== undefined && inScope(change.entry.path, target.query),
    );
    if (relevant.length === 0) return false;
    let sent = false;
    if (target.incremental) {
      for (const change of relevant) {
        const path = change.entry.path;
        const after = change.after;
        const belongs =
          after !== undefined && (target.query === undefined || matchesQuery(after, target.query));
        if (belongs) {
          this.sendDocument(target, after);
          sent = true;
        } else if (target.sent.delete(path)) {
          this.sendGone(target, change.entry.name, after === undefined, readTime);
          sent = true;
        }
      }
      return sent;
    }
    const db = event.db;
    const results = target.query === undefined ? [] : runQuery(db, target.query);
    const now = new Set<string>();
    for (const doc of results) {
      now.add(doc.entry.path);
      if (target.sent.get(doc.entry.path) !== timestampToMicros(doc.updateTime)) {
        this.sendDocument(target, doc);
        sent = true;
      }
    }
    for (const path of [...target.sent.keys()]) {
      if (now.has(path)) continue;
      target.sent.delete(path);
      const entry = db.entry(path);
      this.sendGone(
        target,
        entry?.name ?? `${db.name.documentsRoot}/${path}`,
        entry?.current() === undefined,
        readTime,
      );
      sent = true;
    }
    return sent;
  }

  private sendDocument(target: Target, doc: LiveDocument): void {
    target.sent.set(doc.entry.path, timestampToMicros(doc.updateTime));
    this.context.stats.reads++;
    this.send({
      documentChange: { document: encodeDocument(doc), targetIds: [target.id], removedTargetIds: [] },
    });
  }

  private sendGone(target: Target, name: string, deleted: boolean, readTime: TimestampOut): void {
    if (deleted) this.send({ documentDelete: { document: name, removedTargetIds: [target.id], readTime } });
    else this.send({ documentRemove: { document: name, removedTargetIds: [target.id], readTime } });
  }

  private removeTarget(id: number): void {
    if (!this.targets.delete(id)) {
      this.send({
        targetChange: {
          targetChangeType: TargetChangeType.REMOVE,
          targetIds: [id],
          cause: { code: Code.NOT_FOUND, message: `No target with ID ${id} on this stream.` },
        },
      });
      return;
    }
    this.send({ targetChange: { targetChangeType: TargetChangeType.REMOVE, targetIds: [id] } });
  }

  private sendNoChange(readTime: Timestamp): void {
    this.send({
      targetChange: {
        targetChangeType: TargetChangeType.NO_CHANGE,
        targetIds: [],
        resumeToken: resumeToken(readTime),
        readTime: encodeTimestamp(readTime),
      },
    });
  }

  /** Keeps idle streams alive (the client resets a stream after 120 s without data). */
  private sendHeartbeat(): void {
    if (this.closed || this.targets.size === 0) return;
    this.sendNoChange(this.context.clock.readTime());
  }

  private send(response: ListenResponse): void {
    if (this.closed || this.call.writableEnded) return;
    this.call.write(response);
  }

  private fail(error: FirestoreError): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.onClose();
    this.call.sendMetadata(new Metadata());
    this.call.emit('error', { code: error.code, details: error.message });
  }
}

/** A resume token is the read time in microseconds, big-endian. */
function resumeToken(readTime: Timestamp): Buffer {
  const token = Buffer.alloc(8);
  token.writeBigInt64BE(BigInt(timestampToMicros(readTime)));
  return token;
}
