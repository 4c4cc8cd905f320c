import type { EmulatorContext } from './context.js';
import { invalidArgument, toFirestoreError } from './errors.js';
import { collectionScopeKey, documentLock, groupScopeKey, type LockRequest } from './locks.js';
import { decodeTimestamp } from './proto/codec.js';
import type { ConsistencyProto, TimestampProto, TransactionOptionsProto } from './proto/types.js';
import type { Query } from './query/model.js';
import type { Database } from './store/database.js';
import { compareTimestamps, timestampFromMicros, timestampToMicros, type Timestamp } from './timestamp.js';
import type { Transaction } from './transactions.js';

/** How a read request sees the data. */
export interface ReadScope {
  /** Read as of this time; undefined reads the latest data. */
  readonly historicTime: Timestamp | undefined;
  /** A read-write transaction whose locks the read must take. */
  readonly lockingTransaction: Transaction | undefined;
  /** A transaction this request began (its id goes back in the first response). */
  readonly begun: Transaction | undefined;
}

/**
 * Resolves consistency selectors (transaction, new_transaction, read_time) and takes the locks
 * read-write transactions need before they read.
 */
export class ReadCoordinator {
  constructor(private readonly context: EmulatorContext) {}

  scope(db: Database, proto: ConsistencyProto, allowNewTransaction: boolean): ReadScope {
    switch (proto.consistencySelector) {
      case 'transaction': {
        const transaction = this.context.transactions.lookup(proto.transaction ?? new Uint8Array(), db);
        return transaction.readOnly
          ? { historicTime: transaction.readTime, lockingTransaction: undefined, begun: undefined }
          : { historicTime: undefined, lockingTransaction: transaction, begun: undefined };
      }
      case 'newTransaction': {
        if (!allowNewTransaction) throw invalidArgument('This request cannot begin a transaction.');
        const transaction = this.begin(db, proto.newTransaction ?? null);
        return transaction.readOnly
          ? { historicTime: transaction.readTime, lockingTransaction: undefined, begun: transaction }
          : { historicTime: undefined, lockingTransaction: transaction, begun: transaction };
      }
      case 'readTime':
        return {
          historicTime: this.readTime(proto.readTime ?? null),
          lockingTransaction: undefined,
          begun: undefined,
        };
      default:
        return { historicTime: undefined, lockingTransaction: undefined, begun: undefined };
    }
  }

  begin(db: Database, options: TransactionOptionsProto | null): Transaction {
    const readOnly = options?.mode === 'readOnly';
    const readTime = readOnly
      ? options?.readOnly?.consistencySelector === 'readTime'
        ? this.readTime(options.readOnly.readTime ?? null)
        : this.context.clock.readTime()
      : undefined;
    const retryOf = options?.mode === 'readWrite' ? options.readWrite?.retryTransaction : undefined;
    return this.context.transactions.begin(
      db,
      {
        readOnly,
        ...(readTime === undefined ? {} : { readTime }),
        ...(retryOf === undefined ? {} : { retryOf }),
      },
      this.context.clock.latestMicros(),
    );
  }

  /** A client-chosen read time must lie within the history window and not in the future. */
  readTime(proto: TimestampProto | null): Timestamp {
    if (proto === null) throw invalidArgument('read_time is empty.');
    const time = decodeTimestamp(proto, 'read_time');
    const now = this.context.clock.readTime();
    if (compareTimestamps(time, now) > 0) throw invalidArgument('read_time must not be in the future.');
    const oldest = timestampFromMicros(timestampToMicros(now) - this.context.historyMicros);
    if (compareTimestamps(time, oldest) < 0) {
      throw invalidArgument('read_time is too old: it must be within the past hour.');
    }
    return time;
  }

  /** The read time to report for a read in `scope` (call after taking locks). */
  responseReadTime(scope: ReadScope): Timestamp {
    return scope.historicTime ?? this.context.clock.readTime();
  }

  async lockDocuments(db: Database, scope: ReadScope, paths: readonly string[]): Promise<void> {
    if (scope.lockingTransaction === undefined) return;
    await this.lock(db, scope, paths.map(documentLock));
  }

  /** A transactional query locks its whole scope, so that no write can add a phantom result. */
  async lockQuery(db: Database, scope: ReadScope, query: Query): Promise<void> {
    if (scope.lockingTransaction === undefined) return;
    const keys: string[] = [];
    if (!query.allDescendants) {
      keys.push(
        collectionScopeKey(
          query.parentPath === '' ? query.collectionId : `${query.parentPath}/${query.collectionId}`,
        ),
      );
    } else if (query.collectionId !== '') {
      keys.push(groupScopeKey(query.collectionId));
    } else {
      const ids = new Set<string>();
      for (const collection of db.allCollections()) ids.add(collection.id);
      for (const id of ids) keys.push(groupScopeKey(id));
    }
    await this.lock(
      db,
      scope,
      keys.map((key) => ({ key, mode: 'query' as const })),
    );
  }

  private async lock(db: Database, scope: ReadScope, requests: readonly LockRequest[]): Promise<void> {
    const transaction = scope.lockingTransaction;
    if (transaction === undefined) return;
    transaction.assertActive();
    try {
      await db.locks.acquireAll(transaction, requests);
    } catch (error) {
      transaction.abort(toFirestoreError(error));
      throw error;
    }
    transaction.assertActive();
  }

  /** A transaction begun by a failed request is never seen by the client, so it ends here. */
  failed(scope: ReadScope | undefined): void {
    if (scope?.begun !== undefined) this.context.transactions.end(scope.begun);
  }
}
