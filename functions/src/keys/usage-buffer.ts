/**
 * The instance-local usage buffer. Calls are grouped per (key, UTC day); a group becomes one
 * `api_usage_events` document when it holds `maxCalls` calls or its oldest call is `maxAgeMs`
 * old, and everything is written when the instance holds `maxBufferedCalls` unwritten calls.
 * Nothing here starts a flush by itself: the request that finds the buffer due starts it (so
 * it runs while the instance has CPU), and the recorder also flushes on a timer and on SIGTERM.
 *
 * A written batch keeps its document id across retries and is written with `create`, so a
 * retry after an ambiguous failure can never count the same calls twice.
 */
import { newDocumentId } from '../lib/random.js';
import { utcDate } from '../shared/dates.js';
import type { MeterName } from '../shared/plans.js';

export interface UsageCall {
  key_id: string;
  account_id: string;
  /** `METHOD /path`, the route pattern, never a concrete path with ids in it. */
  endpoint: string;
  method: string;
  status: number;
  latency_ms: number;
  at: Date;
  /** Admitted by the key check, so counted against the monthly quota. */
  billable: boolean;
  /** Units the call was charged (0 unless billable), and of them those paid from credits and as overage. */
  units: number;
  credit_units: number;
  overage_units: number;
  /** The named meter the call's units also count on. */
  meter?: MeterName;
}

export interface UsageBatch {
  id: string;
  key_id: string;
  account_id: string;
  date: string;
  period: string;
  calls: UsageCall[];
  billable: number;
  /** Units of the batch's calls, and of them those paid from credits and as overage. */
  units: number;
  credit_units: number;
  overage_units: number;
  /** Units per named meter. */
  meter_units: Partial<Record<MeterName, number>>;
}

export interface FlushPolicy {
  /** Calls per (key, day) group before it is written. */
  maxCalls: number;
  /** Age of a group's oldest call before it is written. */
  maxAgeMs: number;
  /** Unwritten calls on the instance before everything is written. */
  maxBufferedCalls: number;
  /** While Firestore refuses writes, calls kept for retry; beyond this the oldest are dropped. */
  maxRetainedCalls: number;
}

/** Batches per commit, and calls per commit, keep each write well inside Firestore's limits. */
const MAX_BATCHES_PER_COMMIT = 100;
const MAX_CALLS_PER_COMMIT = 5_000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;

export type UsageSink = (batches: readonly UsageBatch[]) => Promise<void>;

export interface UsageBufferEvents {
  flushed?: (batches: readonly UsageBatch[], durationMs: number) => void;
  failed?: (batches: readonly UsageBatch[], attempt: number, error: unknown) => void;
  dropped?: (calls: number) => void;
}

interface Group {
  batch: UsageBatch;
  openedAt: number;
}

interface Unit {
  batches: UsageBatch[];
  calls: number;
  attempts: number;
  nextAttemptAt: number;
  writing: Promise<void> | undefined;
}

export class UsageBuffer {
  private readonly groups = new Map<string, Group>();
  private readonly units = new Set<Unit>();
  private groupedCalls = 0;
  private unitCalls = 0;

  constructor(
    private readonly sink: UsageSink,
    private readonly policy: FlushPolicy,
    private readonly events: UsageBufferEvents = {},
    private readonly now: () => number = () => performance.now(),
    private readonly newId: () => string = newDocumentId,
  ) {}

  /** Calls recorded and not yet confirmed written (grouped, being written or awaiting retry). */
  get pendingCalls(): number {
    return this.groupedCalls + this.unitCalls;
  }

  record(call: UsageCall): void {
    const date = utcDate(call.at);
    const groupKey = `${call.key_id}|${date}`;
    let group = this.groups.get(groupKey);
    if (group === undefined) {
      group = {
        batch: {
          id: this.newId(),
          key_id: call.key_id,
          account_id: call.account_id,
          date,
          period: date.slice(0, 7),
          calls: [],
          billable: 0,
          units: 0,
          credit_units: 0,
          overage_units: 0,
          meter_units: {},
        },
        openedAt: this.now(),
      };
      this.groups.set(groupKey, group);
    }
    group.batch.calls.push(call);
    if (call.billable) group.batch.billable += 1;
    if (call.billable) {
      group.batch.units += call.units;
      group.batch.credit_units += call.credit_units;
      group.batch.overage_units += call.overage_units;
      if (call.meter !== undefined)
        group.batch.meter_units[call.meter] = (group.batch.meter_units[call.meter] ?? 0) + call.units;
    }
    this.groupedCalls += 1;
  }

  private groupIsDue(group: Group, now: number): boolean {
    return group.batch.calls.length >= this.policy.maxCalls || now - group.openedAt >= this.policy.maxAgeMs;
  }

  private unitIsDue(unit: Unit, now: number): boolean {
    return unit.writing === undefined && unit.nextAttemptAt <= now;
  }

  /**
   * Whether a flush is due, and how urgently. `now`: a bound on memory is reached (the instance
   * holds maxBufferedCalls, or a group maxCalls), or a group is twice maxAgeMs old, which means
   * the instance had no CPU for its timer, as a throttled Cloud Run instance between requests;
   * the request that finds it so should wait for the write. `soon`: a group is maxAgeMs old or a
   * retry is due; the write can start after the response.
   */
  due(): 'now' | 'soon' | undefined {
    const now = this.now();
    if (this.groupedCalls >= this.policy.maxBufferedCalls) return 'now';
    let soon = false;
    for (const group of this.groups.values()) {
      if (group.batch.calls.length >= this.policy.maxCalls) return 'now';
      const age = now - group.openedAt;
      if (age >= 2 * this.policy.maxAgeMs) return 'now';
      if (age >= this.policy.maxAgeMs) soon = true;
    }
    if (!soon) for (const unit of this.units) if (this.unitIsDue(unit, now)) soon = true;
    return soon ? 'soon' : undefined;
  }

  isDue(): boolean {
    return this.due() !== undefined;
  }

  /** Writes what is due. Never rejects: failed batches stay buffered for a later retry. */
  flushDue(): Promise<void> {
    const now = this.now();
    const everything = this.groupedCalls >= this.policy.maxBufferedCalls;
    return this.flush(
      (group) => everything || this.groupIsDue(group, now),
      (unit) => this.unitIsDue(unit, now),
    );
  }

  /** Writes everything now, retries included, and waits for writes already under way. */
  async flushAll(): Promise<void> {
    const writing = [...this.units].flatMap((unit) => (unit.writing === undefined ? [] : [unit.writing]));
    await Promise.all([
      this.flush(
        () => true,
        (unit) => unit.writing === undefined,
      ),
      ...writing,
    ]);
  }

  private flush(takeGroup: (group: Group) => boolean, retryUnit: (unit: Unit) => boolean): Promise<void> {
    const retries = [...this.units].filter(retryUnit);
    const taken: UsageBatch[] = [];
    for (const [groupKey, group] of this.groups) {
      if (!takeGroup(group)) continue;
      this.groups.delete(groupKey);
      this.groupedCalls -= group.batch.calls.length;
      taken.push(group.batch);
    }
    const fresh = this.toUnits(taken);
    for (const unit of fresh) {
      this.units.add(unit);
      this.unitCalls += unit.calls;
    }
    return Promise.all([...retries, ...fresh].map((unit) => this.write(unit))).then(() => undefined);
  }

  private toUnits(batches: UsageBatch[]): Unit[] {
    const units: Unit[] = [];
    let current: Unit | undefined;
    for (const batch of batches) {
      const size = batch.calls.length;
      if (
        current === undefined ||
        current.batches.length >= MAX_BATCHES_PER_COMMIT ||
        current.calls + size > MAX_CALLS_PER_COMMIT
      ) {
        current = { batches: [], calls: 0, attempts: 0, nextAttemptAt: 0, writing: undefined };
        units.push(current);
      }
      current.batches.push(batch);
      current.calls += size;
    }
    return units;
  }

  private write(unit: Unit): Promise<void> {
    const started = this.now();
    unit.attempts += 1;
    unit.writing = this.sink(unit.batches).then(
      () => {
        this.units.delete(unit);
        this.unitCalls -= unit.calls;
        unit.writing = undefined;
        this.events.flushed?.(unit.batches, this.now() - started);
      },
      (error: unknown) => {
        unit.writing = undefined;
        unit.nextAttemptAt = this.now() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (unit.attempts - 1));
        this.events.failed?.(unit.batches, unit.attempts, error);
        this.enforceRetentionCap();
      },
    );
    return unit.writing;
  }

  /** Memory stays bounded when Firestore is unreachable for long: the oldest failed units go. */
  private enforceRetentionCap(): void {
    let dropped = 0;
    for (const unit of this.units) {
      if (this.pendingCalls <= this.policy.maxRetainedCalls) break;
      if (unit.writing !== undefined) continue;
      this.units.delete(unit);
      this.unitCalls -= unit.calls;
      dropped += unit.calls;
    }
    if (dropped > 0) this.events.dropped?.(dropped);
  }
}
