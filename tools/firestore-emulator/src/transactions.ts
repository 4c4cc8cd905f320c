import { randomBytes } from 'node:crypto';
import { aborted, invalidArgument, type FirestoreError } from './errors.js';
import type { LockOwner } from './locks.js';
import type { Database } from './store/database.js';
import type { Timestamp } from './timestamp.js';

/** Firestore's message for transaction ids it no longer knows; the SDK retries on it. */
export const EXPIRED_MESSAGE = 'The referenced transaction has expired or is no longer valid.';
const CONTENTION_MESSAGE =
  'Aborted due to cross-transaction contention. This occurs when multiple transactions attempt to ' +
  'access the same data, requiring Firestore to abort at least one in order to enforce serializability.';

export interface TransactionLimits {
  /** A transaction unused for this long expires (production: 60 s). */
  readonly idleMs: number;
  /** A transaction older than this expires (production: 270 s). */
  readonly maxAgeMs: number;
}

type State = 'active' | 'aborted' | 'expired';

let nextLockId = 1;

export class Transaction implements LockOwner {
  readonly lockId = nextLockId++;
  readonly key: string;
  state: State = 'active';
  abortError: FirestoreError | undefined;
  lastUsedMs: number;
  readonly startedMs: number;

  constructor(
    readonly token: Buffer,
    readonly db: Database,
    readonly readOnly: boolean,
    /** Read-only transactions read at this time; read-write ones read the latest data under locks. */
    readonly readTime: Timestamp | undefined,
    readonly age: number,
    nowMs: number,
  ) {
    this.key = token.toString('hex');
    this.lastUsedMs = nowMs;
    this.startedMs = nowMs;
  }

  wound(): void {
    this.abort(aborted(CONTENTION_MESSAGE));
  }

  /** Aborts: releases locks at once and fails pending lock waits; later use answers `error`. */
  abort(error: FirestoreError): void {
    if (this.state !== 'active') return;
    this.state = 'aborted';
    this.abortError = error;
    this.db.locks.releaseAll(this);
    this.db.locks.failWaits(this, error);
  }

  expire(): void {
    if (this.state !== 'active') return;
    this.state = 'expired';
    const error = invalidArgument(EXPIRED_MESSAGE);
    this.db.locks.releaseAll(this);
    this.db.locks.failWaits(this, error);
  }

  /** Throws the error a request using this transaction must get if it is no longer active. */
  assertActive(): void {
    if (this.state === 'aborted') throw this.abortError ?? aborted(CONTENTION_MESSAGE);
    if (this.state === 'expired') throw invalidArgument(EXPIRED_MESSAGE);
  }
}

export class TransactionRegistry {
  private readonly active = new Map<string, Transaction>();
  /** Ages of recently ended transactions, so that a retry keeps its place in line. */
  private readonly endedAges = new Map<string, { age: number; endedMs: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: TransactionLimits,
    private readonly nowMs: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  begin(
    db: Database,
    options: { readOnly: boolean; readTime?: Timestamp; retryOf?: Uint8Array },
    ageNow: number,
  ): Transaction {
    let age = ageNow;
    if (options.retryOf !== undefined && options.retryOf.length > 0) {
      const retryKey = Buffer.from(options.retryOf).toString('hex');
      const previous = this.active.get(retryKey);
      if (previous !== undefined) {
        // The SDK retries without waiting for its rollback; the old attempt must let go now.
        age = previous.age;
        previous.abort(aborted('Transaction was superseded by its retry.'));
        this.end(previous);
      } else {
        age = this.endedAges.get(retryKey)?.age ?? ageNow;
      }
    }
    const now = this.nowMs();
    const transaction = new Transaction(randomBytes(16), db, options.readOnly, options.readTime, age, now);
    this.active.set(transaction.key, transaction);
    return transaction;
  }

  /**
   * Finds a transaction for a request on `db`. Unknown, finished or expired ids are
   * INVALID_ARGUMENT (with the message the SDK recognises); aborted ones answer their abort
   * error (ABORTED) once and are then forgotten.
   */
  lookup(token: Uint8Array, db: Database): Transaction {
    const transaction = this.active.get(Buffer.from(token).toString('hex'));
    if (transaction === undefined) throw invalidArgument(EXPIRED_MESSAGE);
    if (transaction.db !== db) {
      throw invalidArgument(
        `Transaction belongs to database ${transaction.db.name.name}, not ${db.name.name}.`,
      );
    }
    if (transaction.state !== 'active') {
      this.end(transaction);
      transaction.assertActive();
    }
    transaction.lastUsedMs = this.nowMs();
    return transaction;
  }

  /** Rollback: unknown ids are INVALID_ARGUMENT; aborted ones roll back fine. */
  rollback(token: Uint8Array, db: Database): void {
    const transaction = this.active.get(Buffer.from(token).toString('hex'));
    if (transaction === undefined || transaction.db !== db) throw invalidArgument(EXPIRED_MESSAGE);
    this.end(transaction);
  }

  /** Ends a transaction (commit, rollback): releases its locks and forgets the id. */
  end(transaction: Transaction): void {
    transaction.db.locks.releaseAll(transaction);
    if (this.active.get(transaction.key) === transaction) this.active.delete(transaction.key);
    this.endedAges.set(transaction.key, { age: transaction.age, endedMs: this.nowMs() });
  }

  /** Drops every transaction of a database (used when its data is cleared). */
  abortAll(db: Database, error: FirestoreError): void {
    for (const transaction of [...this.active.values()]) {
      if (transaction.db === db) {
        transaction.abort(error);
        this.end(transaction);
      }
    }
  }

  activeCount(): number {
    return this.active.size;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.nowMs();
    for (const transaction of [...this.active.values()]) {
      if (
        now - transaction.lastUsedMs > this.limits.idleMs ||
        now - transaction.startedMs > this.limits.maxAgeMs
      ) {
        transaction.expire();
        this.end(transaction);
      }
    }
    for (const [key, ended] of this.endedAges) {
      if (now - ended.endedMs > 2 * 60_000) this.endedAges.delete(key);
    }
  }
}
