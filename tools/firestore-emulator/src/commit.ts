import type { EmulatorContext } from './context.js';
import { aborted, FirestoreError, invalidArgument, toFirestoreError } from './errors.js';
import { writeLocks, type LockOwner, type LockRequest } from './locks.js';
import type { AuthContext, Database, PendingChange } from './store/database.js';
import type { Timestamp } from './timestamp.js';
import type { Transaction } from './transactions.js';
import { fieldsIdentical, type Value } from './values.js';
import { applyWrite, checkDocumentSize, type ParsedWrite, type WorkingDocument } from './writes.js';

export interface WriteResultData {
  /** Not set after a delete. */
  readonly updateTime: Timestamp | undefined;
  readonly transformResults: readonly Value[];
}

export interface CommitResultData {
  readonly commitTime: Timestamp;
  readonly writeResults: readonly WriteResultData[];
}

/** Signals a non-transactional commit that it was wounded while waiting and must start over. */
const RESTART = aborted('restart');

let nextImplicitLockId = 1_000_000_000;

/** The lock owner of a non-transactional commit: it keeps its age across restarts. */
class ImplicitOwner implements LockOwner {
  readonly lockId = nextImplicitLockId++;
  constructor(
    readonly age: number,
    private readonly db: Database,
  ) {}

  wound(): void {
    this.db.locks.releaseAll(this);
    this.db.locks.failWaits(this, RESTART);
  }
}

export class CommitPipeline {
  constructor(private readonly context: EmulatorContext) {}

  /**
   * Commits `writes` atomically: all apply at one commit time or none does. In a transaction the
   * commit first takes the write locks it does not hold yet; outside one it waits until no
   * transaction holds a conflicting lock, then applies at once.
   */
  commit(
    db: Database,
    writes: readonly ParsedWrite[],
    transaction: Transaction | undefined,
    auth: AuthContext | undefined,
  ): CommitResultData | Promise<CommitResultData> {
    if (transaction !== undefined) return this.commitInTransaction(db, writes, transaction, auth);
    if (db.locks.isIdle()) return this.apply(db, writes, auth);
    const requests = lockRequestsFor(writes);
    const owner = new ImplicitOwner(this.context.clock.latestMicros(), db);
    // The common case: nobody holds a conflicting lock, so apply synchronously.
    if (requests.length === 0 || db.locks.canGrantAll(owner, requests)) return this.apply(db, writes, auth);
    return this.commitWhenUnlocked(db, writes, requests, owner, auth);
  }

  private async commitWhenUnlocked(
    db: Database,
    writes: readonly ParsedWrite[],
    requests: readonly LockRequest[],
    owner: ImplicitOwner,
    auth: AuthContext | undefined,
  ): Promise<CommitResultData> {
    for (;;) {
      try {
        await db.locks.acquireAll(owner, requests);
        // An older transaction may have wounded us between the last grant and this line.
        if (requests.every((request) => db.locks.holds(owner, request.key, request.mode))) {
          return this.apply(db, writes, auth);
        }
      } catch (error) {
        if (error !== RESTART) throw error;
      } finally {
        db.locks.releaseAll(owner);
      }
    }
  }

  private async commitInTransaction(
    db: Database,
    writes: readonly ParsedWrite[],
    transaction: Transaction,
    auth: AuthContext | undefined,
  ): Promise<CommitResultData> {
    const { transactions } = this.context;
    try {
      if (transaction.readOnly) {
        if (writes.length > 0) throw invalidArgument('Cannot write in a read-only transaction.');
        return { commitTime: this.context.clock.readTime(), writeResults: [] };
      }
      try {
        await db.locks.acquireAll(transaction, lockRequestsFor(writes));
      } catch (error) {
        transaction.abort(toFirestoreError(error));
        throw error;
      }
      transaction.assertActive();
      return this.apply(db, writes, auth);
    } finally {
      transactions.end(transaction);
    }
  }

  /** Applies the writes synchronously; the caller holds (or did not need) the locks. */
  apply(db: Database, writes: readonly ParsedWrite[], auth: AuthContext | undefined): CommitResultData {
    const commitTime = this.context.clock.commitTime();
    const working = new Map<string, WorkingDocument>();
    const transformResults: (readonly Value[])[] = [];
    for (const write of writes) {
      let state = working.get(write.path);
      if (state === undefined) {
        const current = db.document(write.path);
        state = { fields: current?.fields ?? null, updateTime: current?.updateTime };
      }
      const outcome = applyWrite(write, state, commitTime);
      working.set(write.path, { fields: outcome.fields, updateTime: commitTime });
      transformResults.push(outcome.transformResults);
    }

    const pending: PendingChange[] = [];
    const finalUpdateTimes = new Map<string, Timestamp | undefined>();
    for (const [path, state] of working) {
      const original = db.document(path);
      const unchanged =
        state.fields === null
          ? original === undefined
          : original !== undefined && fieldsIdentical(state.fields, original.fields);
      if (unchanged) {
        finalUpdateTimes.set(path, original?.updateTime);
        continue;
      }
      if (state.fields !== null) checkDocumentSize(path, state.fields);
      pending.push({ path, fields: state.fields });
      finalUpdateTimes.set(path, commitTime);
    }
    db.install(pending, commitTime, 'client', auth);

    const { stats } = this.context;
    const writeResults = writes.map((write, i): WriteResultData => {
      if (write.kind === 'delete') stats.deletes++;
      else stats.writes++;
      return {
        updateTime: write.kind === 'delete' ? undefined : (finalUpdateTimes.get(write.path) ?? commitTime),
        transformResults: transformResults[i] ?? [],
      };
    });
    return { commitTime, writeResults };
  }

  /**
   * BatchWrite: each write applies on its own (not atomically), and each gets its own status.
   */
  async batchWrite(
    db: Database,
    writes: readonly (ParsedWrite | FirestoreError)[],
    auth: AuthContext | undefined,
  ): Promise<{ results: (WriteResultData | undefined)[]; statuses: (FirestoreError | undefined)[] }> {
    const results: (WriteResultData | undefined)[] = [];
    const statuses: (FirestoreError | undefined)[] = [];
    for (const write of writes) {
      if (write instanceof FirestoreError) {
        results.push(undefined);
        statuses.push(write);
        continue;
      }
      try {
        const outcome = await this.commit(db, [write], undefined, auth);
        results.push(outcome.writeResults[0]);
        statuses.push(undefined);
      } catch (error) {
        results.push(undefined);
        statuses.push(toFirestoreError(error));
      }
    }
    return { results, statuses };
  }
}

function lockRequestsFor(writes: readonly ParsedWrite[]): LockRequest[] {
  if (writes.length === 1) {
    const only = writes[0];
    return only === undefined ? [] : writeLocks(only.path);
  }
  const byKey = new Map<string, LockRequest>();
  for (const write of writes) for (const request of writeLocks(write.path)) byKey.set(request.key, request);
  return [...byKey.values()];
}
