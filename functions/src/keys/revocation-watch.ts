/**
 * How every API instance stops admitting a revoked key within REVOCATION_BOUND_MS, with no
 * Firestore read per call. Revoking, rolling and deleting an account write
 * `key_revocations/{keyId}` in the same commit as the key, stamped with the commit time
 * (revocation-feed.ts). An instance admits a cached key only while it holds a *check* of that
 * feed sent at most REVOCATION_MAX_AGE_MS ago, or read the key itself that recently:
 *
 * - A check is one query for the feed's entries since the previous check. One sent at time s is
 *   answered at a read time after s, so it sees every revocation committed before s: a call
 *   admitted at t relies on nothing older than t − REVOCATION_MAX_AGE_MS.
 * - A busy instance starts the next check in the background once the last one is
 *   REVOCATION_REFRESH_AFTER_MS old, so requests rarely wait for one.
 * - An instance whose CPU was throttled between requests (Cloud Functions 2nd gen without
 *   always-allocated CPU) wakes up with an old check. Its first request then waits for one
 *   catch-up check (concurrent requests share it) before any cached key is admitted. Nothing
 *   relies on a timer or a listener having run while the instance was idle.
 * - A Firestore listener on the feed applies revocations as they are written, usually well
 *   under a second. It makes revocation faster than the bound but is never what the bound rests
 *   on: a listener that has nothing to say cannot be told apart from one that is stalled.
 *
 * Times: `at` and read times are Firestore's clock in microseconds; `now()` is the instance's
 * clock in milliseconds. The two meet only in REVOCATION_BOUND_MS's allowance for clock skew.
 */
import { startSoon } from '../lib/start-soon.js';

/** The documented bound: a key revoked at T is refused by every instance from T + this on. */
export const REVOCATION_BOUND_MS = 5_000;
/**
 * The oldest check a cached key may be admitted on. The second between it and the bound covers
 * the skew between an instance's clock and Firestore's (NTP-synchronised, milliseconds) and the
 * key check's own time between deciding and handing the call to the handler.
 */
export const REVOCATION_MAX_AGE_MS = 4_000;
export const REVOCATION_REFRESH_AFTER_MS = 2_500;
/** A catch-up that needed this many checks (each slower than the whole allowance) gives up. */
const MAX_CATCH_UP_CHECKS = 3;
/** A listener's query starts at a fixed time; renewing it keeps its result set small. */
const LISTEN_RENEW_MS = 3_600_000;
const LISTEN_RETRY_MS = 30_000;

export interface RevocationChange {
  keyId: string;
  /** Firestore commit time of the revocation, in microseconds. */
  at: number;
}

export interface RevocationSource {
  /** Every change committed at or after `sinceMicros`, complete up to the returned read time. */
  changesSince(sinceMicros: number): Promise<{ changes: RevocationChange[]; readTime: number }>;
  /** Best effort: pushes changes as they are committed. Returns the unsubscribe function. */
  listen?(
    sinceMicros: number,
    onChanges: (changes: RevocationChange[]) => void,
    onError: (error: unknown) => void,
  ): () => void;
}

export interface RevocationWatchOptions {
  source: RevocationSource;
  /** Forgets cached keys changed at or after their read. */
  apply: (changes: readonly RevocationChange[]) => void;
  /**
   * How far back a check ever needs to look: a cached key older than this is read again anyway
   * (the cache TTL plus a margin), so revocations before it cannot matter.
   */
  lookbackMs: number;
  maxAgeMs?: number;
  refreshAfterMs?: number;
  now?: () => number;
  /** Told of each check sent, of each request that had to wait for one, and of failures. */
  onCheck?: () => void;
  onWait?: () => void;
  onError?: (error: unknown) => void;
}

export class RevocationCheckTooSlow extends Error {
  constructor() {
    super(`${MAX_CATCH_UP_CHECKS} revocation checks in a row took longer than the allowance`);
    this.name = 'RevocationCheckTooSlow';
  }
}

export class RevocationWatch {
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly refreshAfterMs: number;
  /** Instance time at which the latest successful check was sent. */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  /** Firestore time from which changes can still matter to a cached key; none before any read. */
  private horizon: number | undefined;
  private lowestReadDuringCheck = Number.POSITIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private unlisten: (() => void) | undefined;
  private subscription: object | undefined;
  private listenedAt = Number.NEGATIVE_INFINITY;
  private listenFailedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RevocationWatchOptions) {
    this.now = options.now ?? Date.now;
    this.maxAgeMs = options.maxAgeMs ?? REVOCATION_MAX_AGE_MS;
    this.refreshAfterMs = options.refreshAfterMs ?? REVOCATION_REFRESH_AFTER_MS;
  }

  /** Told of every key read from Firestore, at its read time, so checks start early enough. */
  noteRead(readTime: number): void {
    this.horizon = this.horizon === undefined ? readTime : Math.min(this.horizon, readTime);
    this.lowestReadDuringCheck = Math.min(this.lowestReadDuringCheck, readTime);
    this.keepListening();
  }

  /**
   * Whether a key read at instance time `loadedAt` may be admitted now: `undefined` if so (no
   * waiting), otherwise a promise that settles once it may be judged — after which the caller
   * looks the key up in the cache again, since the check may have forgotten it.
   */
  confirm(loadedAt: number): Promise<void> | undefined {
    this.keepListening();
    const age = this.now() - Math.max(loadedAt, this.confirmedAt);
    if (age < this.refreshAfterMs) return undefined;
    if (age <= this.maxAgeMs) {
      // Failures are reported by runCheck; the next request past the allowance waits and retries.
      startSoon(() => void this.check().catch(() => undefined));
      return undefined;
    }
    return this.catchUp(loadedAt);
  }

  /** One check at a time: callers that arrive while one is in flight share it. */
  check(): Promise<void> {
    this.inFlight ??= this.runCheck().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = undefined;
    this.subscription = undefined;
  }

  private async catchUp(loadedAt: number): Promise<void> {
    this.options.onWait?.();
    for (let checks = 1; ; checks += 1) {
      // A check already in flight may have been sent too long ago; then the loop sends another.
      await this.check();
      if (this.now() - Math.max(loadedAt, this.confirmedAt) <= this.maxAgeMs) return;
      if (checks >= MAX_CATCH_UP_CHECKS) throw new RevocationCheckTooSlow();
    }
  }

  private async runCheck(): Promise<void> {
    const sentAt = this.now();
    const floor = (sentAt - this.options.lookbackMs) * 1_000;
    const since = Math.max(this.horizon ?? floor, floor);
    this.lowestReadDuringCheck = Number.POSITIVE_INFINITY;
    this.options.onCheck?.();
    try {
      const { changes, readTime } = await this.options.source.changesSince(since);
      if (changes.length > 0) this.options.apply(changes);
      this.confirmedAt = Math.max(this.confirmedAt, sentAt);
      // A key whose read started before this check's range (a slow load) still needs the
      // changes from its own read time on.
      const missed = this.lowestReadDuringCheck < since ? this.lowestReadDuringCheck : readTime;
      this.horizon = Math.min(readTime, missed);
    } catch (error) {
      this.options.onError?.(error);
      throw error;
    }
  }

  private keepListening(): void {
    const listen = this.options.source.listen;
    if (listen === undefined) return;
    const now = this.now();
    if (this.unlisten !== undefined && now - this.listenedAt < LISTEN_RENEW_MS) return;
    if (this.unlisten === undefined && now - this.listenFailedAt < LISTEN_RETRY_MS) return;
    this.unlisten?.();
    this.listenedAt = now;
    const subscription = {};
    this.subscription = subscription;
    const unlisten = listen.call(
      this.options.source,
      (now - this.options.lookbackMs) * 1_000,
      (changes) => this.options.apply(changes),
      (error) => {
        if (this.subscription === subscription) {
          this.subscription = undefined;
          this.unlisten = undefined;
        }
        this.listenFailedAt = this.now();
        this.options.onError?.(error);
      },
    );
    if (this.subscription === subscription) this.unlisten = unlisten;
  }
}
