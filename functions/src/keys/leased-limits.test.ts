/**
 * LeasedLimits across instances: several LeasedLimits (one per simulated Cloud Functions
 * instance) lease from one ledger, the real ledger decisions over an in-memory store
 * (test-support/memory-ledger.ts), on a simulated clock passed to `admit`. Calls are counted in
 * the minute their X-RateLimit-Reset names, as bench/limits.ts counts them, and each is checked
 * to name a minute between the call's start and its answer.
 *
 * An instance may hold units it has not spent yet (it leases ahead of its demand), so where a
 * test checks a total it has every instance keep calling until refused (`turns`).
 */
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { accountLimits, type AccountLimits } from '../shared/plans.js';
import { drain, MemoryLedger } from '../test-support/memory-ledger.js';
import { prng } from '../test-support/prng.js';
import { LeasedLimits } from './leased-limits.js';
import { LIMIT_WINDOW_MS, paidOfRefund, windowOf, type LimitDecision, type LimitSubject } from './limits.js';

/** A minute's start, mid-month. */
const T0 = Date.parse('2026-10-15T12:00:00Z');
const W0 = windowOf(T0);
const ACCOUNT = 'acct-1';
/** A limit no test reaches unless it means to. */
const HUGE = 100_000_000;

function limitsOf(limits: Partial<AccountLimits>): AccountLimits {
  return accountLimits('free', { monthly: HUGE, per_minute: HUGE, ...limits });
}

function subject(overrides: Partial<LimitSubject> = {}): LimitSubject {
  return { accountId: ACCOUNT, budgetId: 'key-1', capMonthly: null, capPerMinute: null, ...overrides };
}

interface Instance {
  limits: LeasedLimits;
  counts: { leases: number; waits: number };
}

/** One instance, with counts of the leases it sent and of the calls that waited for one. */
function instance(ledger: MemoryLedger): Instance {
  const counts = { leases: 0, waits: 0 };
  const limits = new LeasedLimits({
    lease: ledger.lease,
    onLease: () => (counts.leases += 1),
    onLeaseWait: () => (counts.waits += 1),
  });
  return { limits, counts };
}

function fleet(ledger: MemoryLedger, size: number): Instance[] {
  return Array.from({ length: size }, () => instance(ledger));
}

function pair(ledger: MemoryLedger): [Instance, Instance] {
  return [instance(ledger), instance(ledger)];
}

/** The minute whose units a call was counted in, as its X-RateLimit-Reset names it. */
function windowNamed(decision: LimitDecision): number {
  return windowOf(decision.figures.ratelimit.resetAt) - 1;
}

function outcome(decision: LimitDecision): string {
  return decision.admitted ? 'admitted' : `${decision.refusal.code}:${decision.refusal.owner}`;
}

interface Caller {
  limits: LeasedLimits;
  who?: LimitSubject;
}

/**
 * `rounds` rounds of one call per caller, in turn, `gapMs` apart: how many were admitted and
 * the outcomes of the last round. Every caller keeps calling, so none is left holding units.
 */
async function turns(
  callers: readonly Caller[],
  rounds: number,
  at: number,
  gapMs = 0,
): Promise<{ admitted: number; last: string[] }> {
  let admitted = 0;
  let last: string[] = [];
  let clock = at;
  for (let round = 0; round < rounds; round += 1) {
    last = [];
    for (const { limits, who } of callers) {
      const decision = await limits.admit(who ?? subject(), 1, clock);
      last.push(outcome(decision));
      if (decision.admitted) admitted += 1;
      await drain();
      clock += gapMs;
    }
  }
  return { admitted, last };
}

/** Waits for calls while answering every lease the ledger holds, as often as they ask. */
async function answered<T>(ledger: MemoryLedger, calls: Promise<T>[]): Promise<T[]> {
  let done = false;
  const all = Promise.all(calls).finally(() => (done = true));
  for (let rounds = 0; !done; rounds += 1) {
    if (rounds > 1_000) throw new Error('calls never finished');
    await ledger.answer('all');
  }
  return all;
}

describe('LeasedLimits: the monthly quota across instances', () => {
  it('admits exactly the quota in total when four instances take turns far above it', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 100 }));
    const run = await turns(fleet(ledger, 4), 200, T0, 50);
    expect(run.admitted).toBe(100);
    expect(run.last).toEqual(Array<string>(4).fill('quota_exceeded:account'));
    expect(ledger.budget(ACCOUNT).period_granted).toBe(100);
  });

  it('counts units, not calls: a call of 3 units spends 3', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 10 }));
    const a = instance(ledger);
    const outcomes: string[] = [];
    for (const units of [3, 3, 3, 3, 1, 1])
      outcomes.push(outcome(await a.limits.admit(subject(), units, T0)));
    // Three calls of 3 fit in 10, a fourth would make 12; one unit is left for a call of 1.
    expect(outcomes).toEqual([
      'admitted',
      'admitted',
      'admitted',
      'quota_exceeded:account',
      'admitted',
      'quota_exceeded:account',
    ]);
  });

  it('takes back units a call reserved and did not use, for the account and a capped key alike', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 100 }));
    const capped = subject({ capMonthly: 50 });
    const a = instance(ledger);
    expect(outcome(await a.limits.admit(capped, 50, T0))).toBe('admitted');
    expect(outcome(await a.limits.admit(capped, 1, T0))).toBe('quota_exceeded:key');
    // The handler used 20 of its 50: the other 30 are the key's again, and the account's.
    a.limits.refund(capped, 30, { credits: 0, overage: 0 }, T0);
    const outcomes: string[] = [];
    for (let call = 0; call < 31; call += 1) outcomes.push(outcome(await a.limits.admit(capped, 1, T0)));
    expect(outcomes).toEqual([...Array<string>(30).fill('admitted'), 'quota_exceeded:key']);
    await a.limits.release();
    expect(ledger.budget(ACCOUNT).period_granted).toBe(50);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`never exceeds any limit in a random interleaving of calls and answers (seed ${seed})`, async () => {
      const run = await randomInterleaving(seed, { failures: false });
      expectWithinLimits(run);
      // Demand is far above every limit: a driver that admitted next to nothing would prove nothing.
      expect(run.total).toBeGreaterThanOrEqual(0.95 * RANDOM_ACCOUNT.monthly);
      expect(run.capped).toBeGreaterThanOrEqual(0.95 * RANDOM_CAPS.capMonthly);
    });
  }

  for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
    it(`never exceeds any limit when leases also fail, before or after their commit (seed ${seed})`, async () => {
      const run = await randomInterleaving(seed, { failures: true });
      expectWithinLimits(run);
      expect(run.failed).toBeGreaterThan(0);
      expect(run.total).toBeGreaterThan(0);
    });
  }
});

const RANDOM_ACCOUNT = { monthly: 200, per_minute: 60 };
const RANDOM_CAPS = { capMonthly: 40, capPerMinute: 20 };

interface Interleaving {
  total: number;
  capped: number;
  perWindow: Map<number, number>;
  cappedPerWindow: Map<number, number>;
  /** Admitted calls whose X-RateLimit-Reset names a minute outside the call's start and answer. */
  misnamed: number;
  /** Calls refused with 503 because their lease failed. */
  failed: number;
}

function expectWithinLimits(run: Interleaving): void {
  expect(run.total).toBeLessThanOrEqual(RANDOM_ACCOUNT.monthly);
  expect(run.capped).toBeLessThanOrEqual(RANDOM_CAPS.capMonthly);
  for (const [window, count] of run.perWindow)
    expect(count, `account, window ${window - W0}`).toBeLessThanOrEqual(RANDOM_ACCOUNT.per_minute);
  for (const [window, count] of run.cappedPerWindow)
    expect(count, `capped key, window ${window - W0}`).toBeLessThanOrEqual(RANDOM_CAPS.capPerMinute);
  expect(run.misnamed).toBe(0);
}

/**
 * Five instances; two keys of one account, one with caps. In a random order: calls on random
 * instances, answers to random held leases (so out of order), releases (an instance's SIGTERM),
 * clock steps of up to 2 s over minutes, and, with `failures`, now and then a lease that fails
 * before its commit or after it (its answer lost).
 */
async function randomInterleaving(seed: number, options: { failures: boolean }): Promise<Interleaving> {
  const random = prng(seed);
  const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf(RANDOM_ACCOUNT));
  ledger.hold = true;
  const instances = fleet(ledger, 5);
  const keys = [subject({ budgetId: 'plain' }), subject({ budgetId: 'capped', ...RANDOM_CAPS })];
  const pick = <T>(items: readonly T[]): T => {
    const item = items[Math.floor(random() * items.length)];
    if (item === undefined) throw new Error('nothing to pick from');
    return item;
  };
  let clock = T0 + Math.floor(random() * LIMIT_WINDOW_MS);
  const run: Interleaving = {
    total: 0,
    capped: 0,
    perWindow: new Map(),
    cappedPerWindow: new Map(),
    misnamed: 0,
    failed: 0,
  };
  const count = (map: Map<number, number>, window: number) => map.set(window, (map.get(window) ?? 0) + 1);
  const inFlight = new Set<Promise<void>>();
  const call = (limits: LeasedLimits, who: LimitSubject) => {
    const sentAt = clock;
    const done = limits
      .admit(who, 1, sentAt)
      .then(
        (decision) => {
          if (!decision.admitted) return;
          const window = windowNamed(decision);
          if (window < windowOf(sentAt) || window > windowOf(clock)) run.misnamed += 1;
          run.total += 1;
          count(run.perWindow, window);
          if (who.capMonthly !== null) {
            run.capped += 1;
            count(run.cappedPerWindow, window);
          }
        },
        (error: unknown) => {
          if (!(error instanceof ApiError && error.code === 'unavailable')) throw error;
          run.failed += 1;
        },
      )
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  for (let step = 0; step < 4_000; step += 1) {
    const roll = random();
    if (roll < 0.6) call(pick(instances).limits, pick(keys));
    else if (roll < 0.88 && ledger.pending > 0) await ledger.answer(Math.floor(random() * ledger.pending));
    else if (roll < 0.885 && options.failures)
      ledger.failNext(1, random() < 0.5 ? 'before-commit' : 'after-commit');
    else if (roll < 0.895) void pick(instances).limits.release();
    else clock += Math.floor(random() * 2_000);
    await drain(3);
  }
  while (ledger.pending > 0 || inFlight.size > 0) await ledger.answer('all');
  return run;
}

describe('LeasedLimits: credits and overage beyond the included units', () => {
  /** Calls of `units` by every instance in turn until each is refused: admitted, paid, last refusals. */
  async function spendAll(instances: Instance[], units: number, at: number, rounds = 200) {
    const paid = { included: 0, credits: 0, overage: 0 };
    let last: string[] = [];
    let clock = at;
    for (let round = 0; round < rounds; round += 1) {
      last = [];
      for (const { limits } of instances) {
        const decision = await limits.admit(subject(), units, clock);
        last.push(outcome(decision));
        if (decision.admitted) {
          paid.credits += decision.paid.credits;
          paid.overage += decision.paid.overage;
          paid.included += units - decision.paid.credits - decision.paid.overage;
        }
        await drain();
        clock += 50;
      }
    }
    return { paid, last };
  }

  it('spends included units, then credits, exactly, across instances; then answers insufficient_credits', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 10 }), { creditsGranted: 25 });
    const run = await spendAll(fleet(ledger, 4), 1, T0);
    expect(run.paid).toEqual({ included: 10, credits: 25, overage: 0 });
    expect(run.last).toEqual(Array<string>(4).fill('insufficient_credits:account'));
    expect(ledger.budget(ACCOUNT)).toMatchObject({ period_granted: 10, credits_leased: 25 });
  });

  it('spends credits before overage, and overage up to the spend cap, then answers spend_cap_reached', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 6 }), {
      creditsGranted: 9,
      overage: { allowed: true, capUnits: 12 },
    });
    const run = await spendAll(fleet(ledger, 3), 3, T0);
    expect(run.paid).toEqual({ included: 6, credits: 9, overage: 12 });
    expect(run.last).toEqual(Array<string>(3).fill('spend_cap_reached:account'));
  });

  it('lets uncapped overage through, and an account without credits or overage stops at quota_exceeded', async () => {
    const open = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 5 }), {
      overage: { allowed: true, capUnits: null },
    });
    const overage = await spendAll(fleet(open, 2), 1, T0, 20);
    expect(overage.paid).toEqual({ included: 5, credits: 0, overage: 35 });
    expect(overage.last).toEqual(['admitted', 'admitted']);
    const closed = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 5 }));
    expect((await spendAll(fleet(closed, 2), 1, T0, 20)).last).toEqual(
      Array<string>(2).fill('quota_exceeded:account'),
    );
  });

  it('gives back unused credits to the credits, not to the month, on a refund and on release', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 2 }), { creditsGranted: 50 });
    const a = instance(ledger);
    await spendAll([a], 1, T0, 2);
    const decision = await a.limits.admit(subject(), 10, T0);
    if (!decision.admitted) throw new Error('refused');
    expect(decision.paid).toEqual({ credits: 10, overage: 0 });
    a.limits.refund(subject(), 4, paidOfRefund(decision.paid, 4), T0);
    await a.limits.release();
    // Two included units and six credits were used; everything else went back where it came from.
    expect(ledger.budget(ACCOUNT)).toMatchObject({ period_granted: 2, credits_leased: 6 });
  });

  it("keeps held credits across the month's turn: they go back to the ledger, the month's units do not", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 3 }), { creditsGranted: 100 });
    const a = instance(ledger);
    const lastMinute = Date.parse('2026-10-31T23:59:00Z');
    const october = await spendAll([a], 1, lastMinute, 8);
    expect(october.paid).toEqual({ included: 3, credits: 5, overage: 0 });
    const leasedInOctober = ledger.budget(ACCOUNT).credits_leased;
    expect(leasedInOctober).toBeGreaterThanOrEqual(5);
    // November: the first lease gives back October's held credits and starts November's units.
    const november = await spendAll([a], 1, Date.parse('2026-11-01T00:00:30Z'), 1);
    expect(november.paid).toEqual({ included: 1, credits: 0, overage: 0 });
    await a.limits.release();
    expect(ledger.budget(ACCOUNT)).toMatchObject({ period: '2026-11', period_granted: 1, credits_leased: 5 });
  });
});

describe('LeasedLimits: the per-minute limit across instances', () => {
  it('admits the limit in every UTC minute across three instances, never more, far above it', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 30 }));
    ledger.hold = true;
    const instances = fleet(ledger, 3);
    const perWindow = new Map<number, number>();
    // 5 calls a second on each instance for three minutes: 30 times the limit.
    for (let at = T0; at < T0 + 3 * LIMIT_WINDOW_MS; at += 200) {
      const decisions = await answered(
        ledger,
        instances.map(({ limits }) => limits.admit(subject(), 1, at)),
      );
      for (const decision of decisions) {
        if (!decision.admitted) continue;
        expect(windowNamed(decision)).toBe(windowOf(at));
        perWindow.set(windowOf(at), (perWindow.get(windowOf(at)) ?? 0) + 1);
      }
    }
    expect([...perWindow.entries()]).toEqual([
      [W0, 30],
      [W0 + 1, 30],
      [W0 + 2, 30],
    ]);
  });

  it('counts calls per minute, not units: calls of 40 units spend one call of the minute each', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 5, monthly: 1_000 }));
    const a = instance(ledger);
    const outcomes: string[] = [];
    for (let call = 0; call < 6; call += 1) outcomes.push(outcome(await a.limits.admit(subject(), 40, T0)));
    expect(outcomes).toEqual([...Array<string>(5).fill('admitted'), 'rate_limited:account']);
    await a.limits.release();
    // Five calls of 40 units each: 200 units of the month, 5 calls of the minute.
    expect(ledger.budget(ACCOUNT).period_granted).toBe(200);
    expect(ledger.budget(ACCOUNT).windows[String(W0)]).toBe(5);
  });

  it('resets at the UTC minute boundary, not a minute after the first call', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 10 }));
    const both = pair(ledger);
    const first = await turns(both, 10, T0 + 50_000, 100);
    expect(first).toEqual({ admitted: 10, last: ['rate_limited:account', 'rate_limited:account'] });
    const late = await both[1].limits.admit(subject(), 1, T0 + 59_999);
    expect(outcome(late)).toBe('rate_limited:account');
    expect(!late.admitted && late.refusal.retryAfterMs).toBe(1);
    const next = await both[0].limits.admit(subject(), 1, T0 + 60_000);
    expect(outcome(next)).toBe('admitted');
    expect(windowNamed(next)).toBe(W0 + 1);
    expect((await turns(both, 10, T0 + 60_001, 100)).admitted).toBe(9);
  });
});

describe('LeasedLimits: per-key caps and whose limit was hit', () => {
  it("refuses on the key's per-minute cap before the account's limit, and says so", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 100 }));
    const [a, b] = pair(ledger);
    const capped = subject({ budgetId: 'capped', capPerMinute: 5 });
    const run = await turns(
      [
        { limits: a.limits, who: capped },
        { limits: b.limits, who: capped },
      ],
      5,
      T0,
      100,
    );
    expect(run).toEqual({ admitted: 5, last: ['rate_limited:key', 'rate_limited:key'] });
    const refused = await a.limits.admit(capped, 1, T0 + 2_000);
    expect(refused.figures.ratelimit).toMatchObject({ owner: 'key', limit: 5, remaining: 0 });
    // The account still has room: another key of it is admitted on both instances.
    expect(outcome(await a.limits.admit(subject({ budgetId: 'other' }), 1, T0 + 2_000))).toBe('admitted');
    expect(outcome(await b.limits.admit(subject({ budgetId: 'other' }), 1, T0 + 2_000))).toBe('admitted');
  });

  it("refuses on the key's monthly cap before the account's quota, across minutes and instances", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 1_000 }));
    const [a, b] = pair(ledger);
    const capped = subject({ budgetId: 'capped', capMonthly: 8 });
    const run = await turns(
      [
        { limits: a.limits, who: capped },
        { limits: b.limits, who: capped },
      ],
      10,
      T0,
      20_000,
    );
    expect(run).toEqual({ admitted: 8, last: ['quota_exceeded:key', 'quota_exceeded:key'] });
    const refused = await a.limits.admit(capped, 1, T0 + 600_000);
    expect(refused.figures.quota).toMatchObject({ owner: 'key', limit: 8, remaining: 0 });
    expect(outcome(await b.limits.admit(subject({ budgetId: 'other' }), 1, T0 + 600_000))).toBe('admitted');
  });

  it("refuses on the account's per-minute limit when it bites first, and says so", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 4 }));
    const [a, b] = pair(ledger);
    // A key with caps far above the account's limit, on a, and one without caps, on b.
    const loose = subject({ budgetId: 'loose', capMonthly: 100, capPerMinute: 100 });
    const run = await turns([{ limits: a.limits, who: loose }, { limits: b.limits }], 5, T0, 100);
    expect(run).toEqual({ admitted: 4, last: ['rate_limited:account', 'rate_limited:account'] });
    const limited = await a.limits.admit(loose, 1, T0 + 2_000);
    expect(limited.figures.ratelimit).toMatchObject({ owner: 'account', limit: 4, remaining: 0 });
  });

  it("refuses on the account's quota when it bites first, and says so", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 6 }));
    const [a, b] = pair(ledger);
    const loose = subject({ budgetId: 'loose', capMonthly: 100, capPerMinute: 100 });
    const run = await turns([{ limits: a.limits, who: loose }, { limits: b.limits }], 10, T0, 20_000);
    expect(run).toEqual({ admitted: 6, last: ['quota_exceeded:account', 'quota_exceeded:account'] });
    const exhausted = await a.limits.admit(loose, 1, T0 + 600_000);
    expect(exhausted.figures.quota).toMatchObject({ owner: 'account', limit: 6, remaining: 0 });
  });
});

describe('LeasedLimits: which limit a refusal names when several run out at once', () => {
  it("names the minute before the month, and the key's cap before the account's limit", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 2, per_minute: 2 }));
    const a = instance(ledger);
    const both = subject({ capMonthly: 2, capPerMinute: 2 });
    const first = await turns([{ limits: a.limits, who: both }], 3, T0, 1_000);
    expect(first).toEqual({ admitted: 2, last: ['rate_limited:key'] });
    // A minute later only the monthly limits are left spent: the key's cap is named again.
    expect(outcome(await a.limits.admit(both, 1, T0 + LIMIT_WINDOW_MS))).toBe('quota_exceeded:key');
  });
});

describe('LeasedLimits: a rolled key shares its lineage', () => {
  it('gives two keys of one budget one cap between them, on any instances; another lineage has its own', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({}));
    const [a, b] = pair(ledger);
    const caps = { capMonthly: 10, capPerMinute: null };
    // The key before the roll, on a, and its successor, on b: two keys, one budget id.
    const before = subject({ budgetId: 'lineage-1', ...caps });
    const after = subject({ budgetId: 'lineage-1', ...caps });
    const run = await turns(
      [
        { limits: a.limits, who: before },
        { limits: b.limits, who: after },
      ],
      15,
      T0,
      500,
    );
    expect(run).toEqual({ admitted: 10, last: ['quota_exceeded:key', 'quota_exceeded:key'] });
    const other = subject({ budgetId: 'lineage-2', ...caps });
    expect((await turns([{ limits: b.limits, who: other }], 15, T0 + 20_000, 100)).admitted).toBe(10);
  });
});

describe('LeasedLimits: release', () => {
  it('gives held units back, so another instance can spend them', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 20 }));
    const [a, b] = pair(ledger);
    // A burst on a: it leases ahead of its demand, here until it holds the rest of the quota.
    let spentByA = 0;
    for (let at = T0; ledger.budget(ACCOUNT).period_granted < 20 && at < T0 + 1_000; at += 10)
      spentByA += (await turns([a], 1, at)).admitted;
    expect(ledger.budget(ACCOUNT).period_granted).toBe(20);
    expect(spentByA).toBeLessThan(20);
    expect(outcome(await b.limits.admit(subject(), 1, T0 + 1_000))).toBe('quota_exceeded:account');

    await a.limits.release();
    expect(ledger.budget(ACCOUNT).period_granted).toBe(spentByA);
    // b asks the ledger again on its first call after its recheck delay, and gets the rest.
    expect((await turns([b], 30, T0 + 10_000, 100)).admitted).toBe(20 - spentByA);
  });
});

describe('LeasedLimits: stale pools after a throttled sleep', () => {
  it("drops a past minute's units and leases the current minute's instead", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 100 }));
    const [a, b] = pair(ledger);
    expect((await turns([a], 20, T0 + 30_000, 10)).admitted).toBe(20);
    // a leased ahead of its demand: it holds units of this minute it has not spent.
    expect(ledger.budget(ACCOUNT).windows[String(W0)] ?? 0).toBeGreaterThan(20);

    // a's CPU is throttled past the minute; b uses the new minute meanwhile.
    expect((await turns([b], 60, T0 + LIMIT_WINDOW_MS, 10)).admitted).toBe(60);
    const wake = T0 + LIMIT_WINDOW_MS + 5_000;
    const waitsBefore = a.counts.waits;
    const first = await a.limits.admit(subject(), 1, wake);
    expect(a.counts.waits).toBe(waitsBefore + 1);
    expect(ledger.asks.at(-1)?.window).toBe(W0 + 1);
    expect(first.admitted && windowNamed(first)).toBe(W0 + 1);
    const rest = await turns([a, b], 60, wake + 1, 10);
    // Spending what a held of the old minute would have taken the new one past its limit.
    expect(60 + 1 + rest.admitted).toBe(100);
    expect(rest.last).toEqual(['rate_limited:account', 'rate_limited:account']);
  });

  it("drops a past month's units at the month's turn", async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 50 }));
    const [a, b] = pair(ledger);
    expect((await turns([a], 10, Date.parse('2026-10-31T23:59:00Z'), 10)).admitted).toBe(10);
    expect(ledger.budget(ACCOUNT).period_granted).toBeGreaterThan(10);
    const run = await turns([a, b], 40, Date.parse('2026-11-01T00:00:30Z'), 10);
    expect(run).toEqual({ admitted: 50, last: ['quota_exceeded:account', 'quota_exceeded:account'] });
    expect(ledger.budget(ACCOUNT)).toMatchObject({ period: '2026-11', period_granted: 50 });
  });
});

describe('LeasedLimits: the warm path', () => {
  it('does not wait for the ledger under steady demand, across minute boundaries too', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ per_minute: 10_000 }));
    // Every lease takes a while: it is answered only after the calls of its step have started.
    ledger.hold = true;
    const instances = fleet(ledger, 3);
    const WARM_UP_MS = 5_000;
    const RUN_MS = 3 * LIMIT_WINDOW_MS;
    let calls = 0;
    let refused = 0;
    let waitsAtWarm = 0;
    let leasesAtWarm = 0;
    const total = (field: 'waits' | 'leases') =>
      instances.reduce((sum, { counts }) => sum + counts[field], 0);
    // 20 calls a second on each instance.
    for (let elapsed = 0; elapsed < WARM_UP_MS + RUN_MS; elapsed += 50) {
      if (elapsed === WARM_UP_MS) {
        waitsAtWarm = total('waits');
        leasesAtWarm = total('leases');
      }
      const at = T0 + 10_000 + elapsed;
      const decisions = await answered(
        ledger,
        instances.map(({ limits }) => limits.admit(subject(), 1, at)),
      );
      if (elapsed >= WARM_UP_MS) calls += decisions.length;
      refused += decisions.filter((decision) => !decision.admitted).length;
    }
    const waits = total('waits') - waitsAtWarm;
    const leases = total('leases') - leasesAtWarm;
    expect(refused).toBe(0);
    expect(calls).toBe(3 * 20 * (RUN_MS / 1_000));
    expect(waits / calls).toBeLessThanOrEqual(0.01);
    // Each minute's units are leased in the last seconds of the one before: no call waits.
    expect(waits).toBe(0);
    expect(leases / calls).toBeLessThanOrEqual(0.02);
  });
});

describe('LeasedLimits: concurrent calls', () => {
  it('admits a burst of concurrent calls on a cold instance when the account has room', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, accountLimits('pro'));
    const a = instance(ledger);
    const decisions = await Promise.all(Array.from({ length: 20 }, () => a.limits.admit(subject(), 1, T0)));
    expect(decisions.map(outcome)).toEqual(Array<string>(20).fill('admitted'));
  });

  it("admits a burst beyond one lease's share of a small minute limit, up to the limit", async () => {
    // Free: 10 a minute, so one lease takes at most 1 unit of the minute.
    const ledger = new MemoryLedger().setAccount(ACCOUNT, accountLimits('free'));
    const a = instance(ledger);
    const decisions = await Promise.all(Array.from({ length: 12 }, () => a.limits.admit(subject(), 1, T0)));
    expect(decisions.filter((decision) => decision.admitted)).toHaveLength(10);
    expect(decisions.slice(10).map(outcome)).toEqual(['rate_limited:account', 'rate_limited:account']);
  });
});

describe('LeasedLimits: lease failures', () => {
  it('refuses a call that needed a lease with 503 unavailable, and a later call recovers', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({}));
    const a = instance(ledger);
    ledger.failNext(1);
    const failed = await a.limits.admit(subject(), 1, T0).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(ApiError);
    expect(failed instanceof ApiError && [failed.code, failed.status, failed.headers['Retry-After']]).toEqual(
      ['unavailable', 503, '1'],
    );
    expect(outcome(await a.limits.admit(subject(), 1, T0 + 100))).toBe('admitted');
  });

  it('keeps admitting from held units while a background lease fails, and resumes refilling after the backoff', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({}));
    const a = instance(ledger);
    let at = T0 + 1_000;
    const step = async (seconds: number) => {
      let refused = 0;
      for (const end = at + seconds * 1_000; at < end; at += 50) {
        if (!(await a.limits.admit(subject(), 1, at)).admitted) refused += 1;
        await drain();
      }
      return refused;
    };
    expect(await step(10)).toBe(0);
    const waitsBefore = a.counts.waits;
    const leasesBefore = a.counts.leases;
    ledger.failNext(1);
    // The next background refill fails; calls go on from what is held, without waiting.
    let failedAt: number | undefined;
    while (failedAt === undefined) {
      expect((await a.limits.admit(subject(), 1, at)).admitted).toBe(true);
      await drain();
      if (a.counts.leases > leasesBefore) failedAt = at;
      at += 50;
    }
    // Within the backoff (1 s) nothing is asked again; after it the refills resume in the background.
    expect(await step(0.9)).toBe(0);
    expect(a.counts.leases).toBe(leasesBefore + 1);
    expect(await step(40)).toBe(0);
    expect(a.counts.leases).toBeGreaterThan(leasesBefore + 1);
    expect(a.counts.waits).toBe(waitsBefore);
  });

  it('never spends units it gave back when the answer to that lease was lost after its commit', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 100 }));
    const [a, b] = pair(ledger);
    // A burst on a leases well ahead of its demand; once its demand has decayed, its next
    // lease gives the excess back, and that lease commits but its answer is lost.
    const burst = await turns([a], 40, T0, 10);
    ledger.failNext(1, 'after-commit');
    // Within the block's life (30 s), so the call spends a held unit and the lease runs behind it.
    const quiet = await turns([a], 1, T0 + 25_000);
    const returned = ledger.asks.at(-1)?.account.returned ?? 0;
    expect(returned).toBeGreaterThan(0);
    const rest = await turns([a, b], 400, T0 + 25_100, 50);
    const total = burst.admitted + quiet.admitted + rest.admitted;
    expect(total).toBeLessThanOrEqual(100);
  });
});

describe('LeasedLimits: the life of held units', () => {
  it('gives back period units held past their life, so a downgrade reaches an idle instance', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 1_000 }));
    const [a] = pair(ledger);
    // A burst leases a block ahead of demand; the instance then sits idle past the block's life.
    const burst = await turns([a], 30, T0, 10);
    expect(burst.admitted).toBe(30);
    expect(ledger.budget(ACCOUNT).period_granted).toBeGreaterThan(30);

    // Meanwhile the account moves to a plan whose quota it has already used.
    ledger.setAccount(ACCOUNT, limitsOf({ monthly: 30 }));
    const after = await a.limits.admit(subject(), 1, T0 + 31_000);
    await drain();
    expect(outcome(after)).toBe('quota_exceeded:account');
    // What it held went back unspent: the ledger counts exactly the units spent.
    expect(ledger.budget(ACCOUNT).period_granted).toBe(30);
  });

  it('spends held units within their life without waiting, even after a downgrade (the documented bound)', async () => {
    const ledger = new MemoryLedger().setAccount(ACCOUNT, limitsOf({ monthly: 1_000 }));
    const [a] = pair(ledger);
    await turns([a], 30, T0, 10);
    const waits = a.counts.waits;
    ledger.setAccount(ACCOUNT, limitsOf({ monthly: 30 }));
    expect(outcome(await a.limits.admit(subject(), 1, T0 + 5_000))).toBe('admitted');
    expect(a.counts.waits).toBe(waits);
  });
});
