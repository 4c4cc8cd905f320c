/**
 * Exact limits across instances, with no Firestore work on the warm path: each instance leases
 * blocks of units from the ledger (budget-ledger.ts) and admits calls from them in memory.
 *
 * Per account (and per key lineage with caps) an instance holds two pools: units of the current
 * period (monthly quota) and calls of the current UTC minute (per-minute rate). A call spends its
 * cost in units from every period pool that applies and one call from every minute pool; a
 * handler that used fewer units than it reserved gives the rest back (`refund`). Blocks are
 * sized to the instance's recent demand, in units for periods and in calls for minutes (an
 * exponentially decaying rate), over LEASE_HORIZON_MS and never past the window's end, so a
 * busy instance leases a few times a minute and a quiet one holds little. A pool below half its
 * last block is refilled in the background while calls go on; a call only waits for Firestore
 * when its pool is empty (the instance's first call, a new minute, a burst beyond the estimate).
 *
 * Why it is exact: the ledger never hands out more units of a period or a minute than the
 * limit, and an instance spends only units it holds, for the period or minute they were leased
 * for. Units of a minute are dropped when the instance's clock leaves it, so an instance that
 * wakes from a CPU-throttled sleep with stale pools throws them away and leases again. The one
 * assumption is that instances' clocks agree to well under a second (NTP-synchronised hosts).
 *
 * Beyond the included units, the account's period pool also holds credits and overage units
 * (budget-ledger.ts): a call spends included units first, then credits, then overage, and
 * records which it spent, so credits and overage are charged exactly as they were admitted.
 * Units go back in the reverse order. Credits have no period: held ones outlive a month's turn
 * and go back to the ledger, where included and overage units of a past month are void.
 *
 * What is not exact: the figures in X-Quota-Remaining and X-RateLimit-Remaining are this
 * instance's view (what it holds plus what the ledger had left at its last lease). And units a
 * quiet instance still holds (at most its last block) come back only when it next runs: at its
 * next call (held beyond twice what its demand needs are returned) or on SIGTERM, which Cloud
 * Run sends before it stops an idle instance. An instance that crashes strands its last blocks
 * of the period, which can only ever under-admit.
 */
import { periodEnd, utcPeriod } from '../shared/dates.js';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';
import { startSoon } from '../lib/start-soon.js';
import {
  leaseBudget,
  type LeaseAsk,
  type LeaseGrant,
  type PoolAsk,
  type PoolGrant,
} from './budget-ledger.js';
import {
  NOTHING_PAID,
  windowEnd,
  windowOf,
  type CallLimits,
  type LimitRefusalCode,
  type Paid,
  type LimitDecision,
  type LimitFigures,
  type LimitOwner,
  type LimitSubject,
} from './limits.js';

/** A block covers this much of the instance's demand. */
export const LEASE_HORIZON_MS = 15_000;
/** Period units stay spendable this long after the lease that brought them (see blockLifeMs). */
export const BLOCK_LIFE_MS = 30_000;
/** One lease takes at most this share of a minute's limit, so one instance cannot corner it. */
const MAX_WINDOW_SHARE = 0.1;
/** The demand estimate forgets with this time constant. */
const DEMAND_TIME_CONSTANT_MS = 5_000;
/** A pool refilled below this fraction of its last block. */
const LOW_WATER = 0.5;
/** A pool keeps at least this much of its demand in hand: time for a lease to come back. */
const REFILL_LEAD_MS = 500;
/** Held period units beyond this multiple of the demand's block go back. */
const RETURN_ABOVE = 2;
/**
 * After the ledger had nothing left for a period, ask again this often (at most the block's
 * life): an upgrade lets a refused account's calls through within it.
 */
const EXHAUSTED_RECHECK_MS = 5_000;
/** After a failed background lease, wait this long before the next. */
const FAILED_LEASE_BACKOFF_MS = 1_000;
/** In a minute's last this-many ms, a busy budget leases the next minute's units ahead. */
const PREFETCH_MS = 3_000;
/** Only a budget whose next-minute block is at least this many units prefetches. */
const PREFETCH_MIN_BLOCK = 2;
/** Leases one call may wait for before it is refused (each brings at least what it needs). */
const MAX_LEASE_ROUNDS = 3;
/** Account budgets one instance tracks; past it the least recently used are released. */
const MAX_TRACKED_ACCOUNTS = 10_000;

class Demand {
  private rate = 0;
  private at = 0;

  /** Units per millisecond, decayed to `now`. */
  perMs(now: number): number {
    return this.rate * Math.exp(-Math.max(0, now - this.at) / DEMAND_TIME_CONSTANT_MS);
  }

  note(units: number, now: number): void {
    this.rate = this.perMs(now) + units / DEMAND_TIME_CONSTANT_MS;
    this.at = now;
  }

  /** Units needed over the horizon, or until `untilMs` from now if sooner; at least one. */
  block(now: number, untilMs = Number.POSITIVE_INFINITY): number {
    return Math.max(1, Math.ceil(this.perMs(now) * Math.min(LEASE_HORIZON_MS, untilMs)));
  }
}

type Kind = 'period' | 'window';
/** Which minute a lease is for: the current one, or (in its last seconds) the next. */
type Minute = 'current' | 'next';

/** Units held for one period or one minute of one budget. */
interface Pool {
  id: string;
  units: number;
  /** What the ledger had left for this period or minute after this instance's last lease. */
  left: number;
  lastBlock: number;
  /** The ledger had nothing left: do not ask again before this time. */
  exhaustedUntil: number;
  /** Period units held past this time go back to the ledger unspent (blockLifeMs after a grant). */
  expiresAt: number;
}

function emptyPool(id: string): Pool {
  return {
    id,
    units: 0,
    left: Number.POSITIVE_INFINITY,
    lastBlock: 0,
    exhaustedUntil: 0,
    expiresAt: Number.POSITIVE_INFINITY,
  };
}

/** The pools of the account, or of one key lineage with caps, on this instance. */
interface Budget {
  owner: LimitOwner;
  period: Pool;
  window: Pool;
  /** Calls already leased for the next minute, in its last seconds (PREFETCH_MS). */
  next: Pool;
  /** Units per ms, for period pools; calls per ms, for minute pools. */
  demand: Demand;
  calls: Demand;
  /** The limits (null: none of that kind), once known; the account's come with its first lease. */
  monthly: number | null;
  perMinute: number | null;
  /** Of period.units, those that are credits and overage (the account's pool only). */
  held: Paid;
  /** Period units that outlived their block's life: the next lease gives them back. */
  stale: number;
  /** Of `stale`, those that are credits and overage. */
  staleHeld: Paid;
}

interface KeyBudget extends Budget {
  budgetId: string;
}

interface AccountState extends Budget {
  accountId: string;
  known: boolean;
  keys: Map<string, KeyBudget>;
  leasing: Promise<void> | undefined;
  /** Units, and calls, of the calls waiting for a lease: the next lease asks for them too. */
  waiting: number;
  waitingCalls: number;
  /** A background refill is about to start (refillSoon). */
  refillScheduled: boolean;
  retryAt: number;
  /** What the account may spend beyond its included units, as of its last lease. */
  beyond: LeaseGrant['beyond'];
}

interface Held {
  budget: Budget;
  kind: Kind;
  pool: Pool;
}

export interface LeasedLimitsOptions {
  lease?: (ask: LeaseAsk) => Promise<LeaseGrant>;
  /**
   * How long period units an instance holds stay spendable after a lease (BLOCK_LIFE_MS). A busy
   * instance leases well within it; an idle one gives its units back on its next call, so a plan
   * change (read by every lease) reaches it within this time.
   */
  blockLifeMs?: number;
  /**
   * Per-minute limits count units rather than calls (a named meter's: units of a kind per
   * minute, as tokens per minute). Default: calls.
   */
  minuteCountsUnits?: boolean;
  /** Told of every lease sent, and of every call that waited for one. */
  onLease?: () => void;
  onLeaseWait?: () => void;
}

/** A budget that holds nothing yet, for the period and minute a call arrived in. */
function emptyBudget(owner: LimitOwner, period: string, window: string): Budget {
  return {
    owner,
    period: emptyPool(period),
    window: emptyPool(window),
    next: emptyPool(String(Number(window) + 1)),
    demand: new Demand(),
    calls: new Demand(),
    monthly: null,
    perMinute: null,
    held: { credits: 0, overage: 0 },
    stale: 0,
    staleHeld: { credits: 0, overage: 0 },
  };
}

/** Takes `units` of a budget's period pool, included units first: which were credits and overage. */
function spendPeriod(budget: Budget, units: number): Paid {
  const { held } = budget;
  const included = Math.max(0, budget.period.units - held.credits - held.overage);
  let rest = Math.max(0, units - included);
  const credits = Math.min(rest, held.credits);
  rest -= credits;
  const overage = Math.min(rest, held.overage);
  held.credits -= credits;
  held.overage -= overage;
  budget.period.units -= units;
  return { credits, overage };
}

/** Takes `units` out of a period pool to give them back: overage first, then credits. */
function takeBack(budget: Budget, units: number): Paid {
  const { held } = budget;
  const overage = Math.min(units, held.overage);
  const credits = Math.min(units - overage, held.credits);
  held.overage -= overage;
  held.credits -= credits;
  budget.period.units -= units;
  return { credits, overage };
}

/**
 * Moves a budget's pools to the current period and minute; what was held for older ones is void.
 * Period units past their block's life are set aside to be given back.
 */
function roll(budget: Budget, period: string, window: string, now: number): void {
  if (budget.period.id !== period) {
    budget.period = emptyPool(period);
    // Credits outlive the month: held ones go back. The rest was the past month's, void now;
    // given back, it would be counted against the new month.
    const credits = budget.held.credits + budget.staleHeld.credits;
    budget.stale = credits;
    budget.staleHeld = { credits, overage: 0 };
    budget.held = { credits: 0, overage: 0 };
  }
  if (budget.window.id !== window)
    budget.window = budget.next.id === window ? budget.next : emptyPool(window);
  const next = String(Number(window) + 1);
  if (budget.next.id !== next) budget.next = emptyPool(next);
  const pool = budget.period;
  if (pool.expiresAt <= now) {
    budget.stale += Math.max(0, pool.units);
    budget.staleHeld.credits += budget.held.credits;
    budget.staleHeld.overage += budget.held.overage;
    budget.held = { credits: 0, overage: 0 };
    pool.units = Math.min(0, pool.units);
    pool.expiresAt = Number.POSITIVE_INFINITY;
  }
}

function isExhausted(pool: Pool, now: number): boolean {
  return pool.exhaustedUntil > now && pool.left <= 0;
}

function windowShare(budget: Budget): number {
  return budget.perMinute === null
    ? Number.POSITIVE_INFINITY
    : Math.max(1, Math.ceil(budget.perMinute * MAX_WINDOW_SHARE));
}

/** What a lease for the next minute brings: the demand over the horizon, within the share. */
function nextBlock(budget: Budget, now: number): number {
  return Math.min(windowShare(budget), budget.calls.block(now));
}

/** What a lease fills a pool up to: its demand over the horizon; a minute's, within its end and share. */
function blockOf(budget: Budget, kind: Kind, now: number): number {
  if (kind === 'period') return budget.demand.block(now);
  return Math.min(windowShare(budget), budget.calls.block(now, windowEnd(Number(budget.window.id)) - now));
}

/**
 * Below this a pool is refilled: half its block, but never less than the demand of the next
 * REFILL_LEAD_MS (so calls arriving in a clump do not empty it before the lease is back), and
 * never more than the block a lease would bring now: near a minute's end that block shrinks,
 * and a pool between the two would send a lease asking nothing on every call.
 */
function lowWater(budget: Budget, kind: Kind, pool: Pool, now: number): number {
  const block = blockOf(budget, kind, now);
  const lead = Math.ceil((kind === 'window' ? budget.calls : budget.demand).perMs(now) * REFILL_LEAD_MS);
  return Math.min(block, Math.max(Math.min(pool.lastBlock, block) * LOW_WATER, lead));
}

/**
 * What a shortage of the account's period units is called: the spend cap once overage is
 * allowed and capped, insufficient credits for an account that holds credits, else the quota.
 */
function refusalCode(short: Held, state: AccountState): LimitRefusalCode {
  if (short.kind === 'window') return 'rate_limited';
  if (short.budget !== state) return 'quota_exceeded';
  if (state.beyond.overage) return state.beyond.capped ? 'spend_cap_reached' : 'quota_exceeded';
  return state.beyond.credits ? 'insufficient_credits' : 'quota_exceeded';
}

/** Rate before quota, key before account: the order in which a shortage is reported. */
function limitedPools(state: AccountState, key: KeyBudget | undefined): Held[] {
  const held: Held[] = [];
  for (const kind of ['window', 'period'] as const) {
    for (const budget of key === undefined ? [state] : [key, state]) {
      const limit = kind === 'window' ? budget.perMinute : budget.monthly;
      if (limit !== null || (budget === state && !state.known))
        held.push({ budget, kind, pool: budget[kind] });
    }
  }
  return held;
}

export class LeasedLimits implements CallLimits {
  private readonly accounts = new Map<string, AccountState>();
  private readonly lease: (ask: LeaseAsk) => Promise<LeaseGrant>;

  private readonly blockLifeMs: number;

  constructor(private readonly options: LeasedLimitsOptions = {}) {
    this.lease = options.lease ?? leaseBudget;
    this.blockLifeMs = options.blockLifeMs ?? BLOCK_LIFE_MS;
  }

  async admit(subject: LimitSubject, units: number, now: number): Promise<LimitDecision> {
    const { state, key } = this.budgets(subject, now);
    for (const budget of key === undefined ? [state] : [state, key]) {
      budget.demand.note(units, now);
      budget.calls.note(this.perMinute(units), now);
    }

    let short = this.shortage(state, key, units, now);
    // Calls that waited together may need more than one lease brought; stop once the ledger is out.
    for (
      let round = 0;
      short !== undefined && !isExhausted(short.pool, now) && round < MAX_LEASE_ROUNDS;
      round += 1
    ) {
      this.options.onLeaseWait?.();
      state.waiting += units;
      state.waitingCalls += this.perMinute(units);
      try {
        await this.refill(state, key, units, now);
      } catch (error) {
        // Admitting without the ledger could exceed the limit: refuse for now, briefly.
        log.budgetLeaseFailed({ account_id: subject.accountId }, error);
        throw new ApiError(
          'unavailable',
          'The API cannot check limits right now. Retry in a moment.',
          undefined,
          {
            'Retry-After': '1',
          },
        );
      } finally {
        state.waiting -= units;
        state.waitingCalls -= this.perMinute(units);
      }
      short = this.shortage(state, key, units, now);
    }
    if (short !== undefined) {
      if (this.recheckDue(state, key, now)) this.refillSoon(state, key, now, 'current');
      const period = state.period.id;
      return {
        admitted: false,
        figures: this.figures(state, key),
        refusal: {
          code: refusalCode(short, state),
          owner: short.budget.owner,
          retryAfterMs:
            short.kind === 'window'
              ? windowEnd(Number(state.window.id)) - now
              : periodEnd(period).getTime() - now,
        },
      };
    }

    let paid = NOTHING_PAID;
    for (const { budget, kind, pool } of limitedPools(state, key)) {
      if (kind === 'window') pool.units -= this.perMinute(units);
      else if (budget === state) paid = spendPeriod(state, units);
      else spendPeriod(budget, units);
    }
    if (this.refillDue(state, key, now)) this.refillSoon(state, key, now, 'current');
    else if (this.prefetchDue(state, key, now)) this.refillSoon(state, key, now, 'next');
    return { admitted: true, figures: this.figures(state, key), paid };
  }

  /** Units a call reserved and did not use go back to the period pools, and sources, they came from. */
  refund(subject: LimitSubject, units: number, from: Paid, now: number): void {
    if (units <= 0) return;
    const { state, key } = this.budgets(subject, now);
    for (const { budget, kind, pool } of limitedPools(state, key)) {
      // A minute's units stay spent: the minute may have turned since, and giving them to the
      // new one could pass its limit. At worst the old minute admits a little less.
      if (kind === 'window') continue;
      pool.units += units;
      if (budget === state) {
        state.held.credits += from.credits;
        state.held.overage += from.overage;
      }
    }
  }

  /** What a call of `units` spends of a per-minute limit: one call, or its units. */
  private perMinute(units: number): number {
    return this.options.minuteCountsUnits === true ? units : 1;
  }

  peek(subject: LimitSubject, now: number): LimitFigures | null {
    const { state, key } = this.budgets(subject, now);
    return state.known ? this.figures(state, key) : null;
  }

  /** Gives back every period unit this instance holds, budget by budget. */
  async release(): Promise<void> {
    const returns = [...this.accounts.values()].map(async (state) => {
      await state.leasing?.catch(() => undefined);
      await this.giveBack(state);
    });
    await Promise.all(returns);
  }

  private budgets(subject: LimitSubject, now: number): { state: AccountState; key: KeyBudget | undefined } {
    const period = utcPeriod(new Date(now));
    const window = String(windowOf(now));
    let state = this.accounts.get(subject.accountId);
    if (state === undefined) {
      state = {
        ...emptyBudget('account', period, window),
        accountId: subject.accountId,
        known: false,
        keys: new Map(),
        leasing: undefined,
        waiting: 0,
        waitingCalls: 0,
        refillScheduled: false,
        retryAt: 0,
        beyond: { credits: false, overage: false, capped: false },
      };
      this.prune();
    } else {
      // Most recently used last, so pruning drops the quietest accounts first.
      this.accounts.delete(subject.accountId);
    }
    this.accounts.set(subject.accountId, state);
    roll(state, period, window, now);

    if (subject.capMonthly === null && subject.capPerMinute === null) return { state, key: undefined };
    let key = state.keys.get(subject.budgetId);
    if (key === undefined) {
      key = { ...emptyBudget('key', period, window), budgetId: subject.budgetId };
      state.keys.set(subject.budgetId, key);
    }
    // Caps come with the key document, so a changed cap applies as soon as the key is re-read.
    key.monthly = subject.capMonthly;
    key.perMinute = subject.capPerMinute;
    roll(key, period, window, now);
    return { state, key };
  }

  /** The first pool that cannot pay for the call, preferring one the ledger has run out of. */
  private shortage(
    state: AccountState,
    key: KeyBudget | undefined,
    units: number,
    now: number,
  ): Held | undefined {
    const short = limitedPools(state, key).filter(
      ({ kind, pool }) => pool.units < (kind === 'window' ? this.perMinute(units) : units),
    );
    return short.find(({ pool }) => isExhausted(pool, now)) ?? short[0];
  }

  private refillDue(state: AccountState, key: KeyBudget | undefined, now: number): boolean {
    if (state.leasing !== undefined || now < state.retryAt) return false;
    return limitedPools(state, key).some(
      ({ budget, kind, pool }) =>
        (!isExhausted(pool, now) && pool.units < lowWater(budget, kind, pool, now)) ||
        (kind === 'period' && pool.units > RETURN_ABOVE * budget.demand.block(now) + 1),
    );
  }

  private recheckDue(state: AccountState, key: KeyBudget | undefined, now: number): boolean {
    if (state.leasing !== undefined || now < state.retryAt) return false;
    return limitedPools(state, key).some(({ pool }) => pool.exhaustedUntil > 0 && pool.exhaustedUntil <= now);
  }

  /** What one budget asks for: enough for the waiting calls and for its demand's block, minus what it holds. */
  private poolAsk(
    budget: Budget,
    needed: { units: number; calls: number },
    now: number,
    minute: Minute,
  ): PoolAsk {
    const known = budget.owner === 'key' || (budget as AccountState).known;
    const want = (kind: Kind, pool: Pool, block: number, needed: number): number => {
      const limit = kind === 'window' ? budget.perMinute : budget.monthly;
      if ((known && limit === null) || isExhausted(pool, now)) return 0;
      return Math.max(needed - pool.units, block - pool.units, 0);
    };
    const periodBlock = blockOf(budget, 'period', now);
    const excess = budget.monthly === null && known ? 0 : budget.period.units - RETURN_ABOVE * periodBlock;
    return {
      period: want('period', budget.period, periodBlock, needed.units),
      window:
        minute === 'next'
          ? want('window', budget.next, nextBlock(budget, now), 0)
          : want('window', budget.window, blockOf(budget, 'window', now), needed.calls),
      returned: Math.max(0, excess) + budget.stale,
    };
  }

  /**
   * In a minute's last PREFETCH_MS, a busy budget leases the next minute's units, so the first
   * calls of the minute do not wait for the ledger.
   */
  private prefetchDue(state: AccountState, key: KeyBudget | undefined, now: number): boolean {
    if (state.leasing !== undefined || now < state.retryAt || !state.known) return false;
    if (windowEnd(Number(state.window.id)) - now > PREFETCH_MS) return false;
    return limitedPools(state, key).some(({ budget, kind }) => {
      if (kind !== 'window') return false;
      const block = nextBlock(budget, now);
      return (
        block >= PREFETCH_MIN_BLOCK && !isExhausted(budget.next, now) && budget.next.units < block * LOW_WATER
      );
    });
  }

  /** One lease at a time per account: a call that finds one in flight waits for it. */
  private refill(
    state: AccountState,
    key: KeyBudget | undefined,
    units: number,
    now: number,
    minute: Minute = 'current',
  ): Promise<void> {
    if (state.leasing !== undefined) return state.leasing;
    // A call that waits has counted itself in `waiting` and `waitingCalls` (admit).
    const needed = { units: Math.max(units, state.waiting), calls: state.waitingCalls };
    const ask: LeaseAsk = {
      accountId: state.accountId,
      period: state.period.id,
      window: Number(minute === 'next' ? state.next.id : state.window.id),
      account: this.poolAsk(state, needed, now, minute),
    };
    if (key !== undefined)
      ask.key = {
        ...this.poolAsk(key, needed, now, minute),
        budgetId: key.budgetId,
        capMonthly: key.monthly,
        capPerMinute: key.perMinute,
      };
    const leasing = this.send(state, key, ask, now).finally(() => {
      state.leasing = undefined;
    });
    state.leasing = leasing;
    return leasing;
  }

  /** Sends one ask. Units given back leave the pools first, so calls meanwhile cannot spend them. */
  private async send(
    state: AccountState,
    key: KeyBudget | undefined,
    ask: LeaseAsk,
    now: number,
  ): Promise<void> {
    // What is given back is the stale units plus any excess, which leaves the pool now.
    const excess = takeBack(state, ask.account.returned - state.stale);
    ask.account.returnedCredits = excess.credits + state.staleHeld.credits;
    ask.account.returnedOverage = excess.overage + state.staleHeld.overage;
    state.stale = 0;
    state.staleHeld = { credits: 0, overage: 0 };
    if (key !== undefined && ask.key !== undefined) {
      takeBack(key, ask.key.returned - key.stale);
      key.stale = 0;
    }
    this.options.onLease?.();
    let grant: LeaseGrant;
    try {
      grant = await this.lease(ask);
    } catch (error) {
      // What was given back stays given back: a failed lease may still have committed (its
      // answer lost), and spending those units again could pass the limit; at worst they are
      // stranded. The backoff runs on the clock `admit` is given, as every other time here.
      state.retryAt = now + FAILED_LEASE_BACKOFF_MS;
      throw error;
    }
    state.known = true;
    state.monthly = grant.limits.monthly;
    state.perMinute = grant.limits.per_minute;
    state.beyond = grant.beyond;
    apply(state, ask.account, grant.account, ask, now, this.blockLifeMs);
    if (state.period.id === ask.period) {
      state.held.credits += grant.account.credits;
      state.held.overage += grant.account.overage;
    } else {
      // Credits granted for a month this instance has left since: give them back.
      state.stale += grant.account.credits;
      state.staleHeld.credits += grant.account.credits;
    }
    if (key !== undefined && ask.key !== undefined && grant.key !== undefined)
      apply(key, ask.key, grant.key, ask, now, this.blockLifeMs);
  }

  /** A background refill, started after this call (lib/start-soon.ts); one at a time per account. */
  private refillSoon(state: AccountState, key: KeyBudget | undefined, now: number, minute: Minute): void {
    if (state.refillScheduled) return;
    state.refillScheduled = true;
    startSoon(() => {
      state.refillScheduled = false;
      void this.refillInBackground(state, key, now, minute);
    });
  }

  private refillInBackground(
    state: AccountState,
    key: KeyBudget | undefined,
    now: number,
    minute: Minute = 'current',
  ): Promise<void> {
    return this.refill(state, key, 0, now, minute).catch((error: unknown) =>
      log.budgetLeaseFailed({ account_id: state.accountId }, error),
    );
  }

  private async giveBack(state: AccountState): Promise<void> {
    const none: PoolAsk = { period: 0, window: 0, returned: 0 };
    const held = (budget: Budget) => Math.max(0, budget.period.units) + budget.stale;
    const back = (budget: Budget): PoolAsk => ({
      ...none,
      returned: held(budget),
      returnedCredits: budget.held.credits + budget.staleHeld.credits,
      returnedOverage: budget.held.overage + budget.staleHeld.overage,
    });
    const asks: LeaseAsk[] = [];
    const base = { accountId: state.accountId, period: state.period.id, window: Number(state.window.id) };
    if (held(state) > 0) asks.push({ ...base, account: back(state) });
    for (const key of state.keys.values())
      if (held(key) > 0 && key.monthly !== null)
        asks.push({
          ...base,
          account: none,
          key: { ...back(key), budgetId: key.budgetId, capMonthly: key.monthly, capPerMinute: key.perMinute },
        });
    for (const budget of [state, ...state.keys.values()]) {
      budget.period.units = 0;
      budget.stale = 0;
      budget.held = { credits: 0, overage: 0 };
      budget.staleHeld = { credits: 0, overage: 0 };
    }
    for (const ask of asks)
      await this.lease(ask).catch((error: unknown) =>
        log.budgetLeaseFailed({ account_id: state.accountId }, error),
      );
  }

  private figures(state: AccountState, key: KeyBudget | undefined): LimitFigures {
    const resetWindow = windowEnd(Number(state.window.id));
    const resetPeriod = periodEnd(state.period.id).getTime();
    const view = (budget: Budget, kind: Kind) => {
      const limit = (kind === 'window' ? budget.perMinute : budget.monthly) ?? 0;
      const pool = budget[kind];
      const left = Number.isFinite(pool.left) ? pool.left : limit;
      return {
        owner: budget.owner,
        limit,
        remaining: Math.max(0, Math.min(limit, pool.units + left)),
        resetAt: kind === 'window' ? resetWindow : resetPeriod,
      };
    };
    const tighter = (kind: Kind) => {
      const account = view(state, kind);
      const limit = kind === 'window' ? key?.perMinute : key?.monthly;
      if (key === undefined || limit === null || limit === undefined) return account;
      const own = view(key, kind);
      return own.remaining < account.remaining || !state.known ? own : account;
    };
    return { ratelimit: tighter('window'), quota: tighter('period') };
  }

  private prune(): void {
    for (const [accountId, state] of this.accounts) {
      if (this.accounts.size < MAX_TRACKED_ACCOUNTS) return;
      if (state.leasing !== undefined) continue;
      this.accounts.delete(accountId);
      void this.giveBack(state);
    }
  }
}

/** Grants for a period or minute the pools have since left are void. */
function apply(
  budget: Budget,
  ask: PoolAsk,
  grant: PoolGrant,
  lease: LeaseAsk,
  now: number,
  lifeMs: number,
): void {
  if (budget.period.id === lease.period) {
    const pool = budget.period;
    pool.units += grant.period;
    if (grant.period > 0) pool.expiresAt = now + lifeMs;
    pool.left = grant.periodLeft;
    if (ask.period > 0) {
      pool.lastBlock = grant.period;
      pool.exhaustedUntil = grant.period < ask.period ? now + Math.min(EXHAUSTED_RECHECK_MS, lifeMs) : 0;
    }
  }
  const minute = [budget.window, budget.next].find((pool) => pool.id === String(lease.window));
  if (minute !== undefined) {
    const pool = minute;
    pool.units += grant.window;
    pool.left = grant.windowLeft;
    if (ask.window > 0) {
      pool.lastBlock = grant.window;
      pool.exhaustedUntil = grant.window < ask.window ? windowEnd(lease.window) : 0;
    }
  }
}
