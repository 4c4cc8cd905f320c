/**
 * The budget ledger (keys/budget-ledger.ts) with Firestore replaced by a Map, for unit tests
 * that run several LeasedLimits instances against one ledger. Only the storage is replaced:
 * every lease is decided by the real `settleLease` (so the real `settle`, and the same limits
 * resolution: an account seeded here with `accountLimits(...)` is what its `accounts/{id}`
 * document would give, an unseeded one gets the Free plan's, as a missing document does). One
 * lease is applied atomically, as its transaction is.
 *
 * What a test can drive that Firestore does on its own: when a lease is answered (at once, or
 * held until `answer`, in any order), and failures, before the lease is applied (nothing
 * written) or after it (written, but the answer lost: an ambiguous commit).
 */
import {
  budgetDocSchema,
  settleLease,
  type BudgetDoc,
  type LeaseAsk,
  type LeaseGrant,
} from '../keys/budget-ledger.js';
import type { z } from 'zod';
import type { AccountLimits, Allowance } from '../shared/plans.js';

export type LeaseFailure = 'before-commit' | 'after-commit';

interface Pending {
  ask: LeaseAsk;
  resolve: (grant: LeaseGrant) => void;
  reject: (error: unknown) => void;
}

export class LedgerUnavailable extends Error {
  constructor(readonly failure: LeaseFailure) {
    super(`ledger unavailable (${failure})`);
    this.name = 'LedgerUnavailable';
  }
}

function budgetPath(accountId: string, budgetId?: string): string {
  return budgetId === undefined ? accountId : `${accountId}/key_budgets/${budgetId}`;
}

export class MemoryLedger {
  private readonly docs = new Map<string, BudgetDoc>();
  private readonly allowances = new Map<string, Allowance>();
  private readonly queue: Pending[] = [];
  private readonly failures: LeaseFailure[] = [];
  /** Every ask received, in order. */
  readonly asks: LeaseAsk[] = [];
  /** Held leases wait for `answer`; otherwise each is answered as soon as it is asked. */
  hold = false;

  /** What the account's document says (no credits, no overage unless given); the Free plan's when never set. */
  setAccount(
    accountId: string,
    limits: AccountLimits,
    beyond: Partial<Omit<Allowance, 'limits'>> = {},
  ): this {
    this.allowances.set(accountId, {
      limits,
      creditsGranted: beyond.creditsGranted ?? 0,
      overage: beyond.overage ?? { allowed: false, capUnits: null },
    });
    return this;
  }

  /** The next `count` leases fail, in the given way. */
  failNext(count: number, failure: LeaseFailure = 'before-commit'): void {
    for (let i = 0; i < count; i += 1) this.failures.push(failure);
  }

  /** A LeasedLimits `lease` option. */
  readonly lease = (ask: LeaseAsk): Promise<LeaseGrant> => {
    this.asks.push(structuredClone(ask));
    return new Promise<LeaseGrant>((resolve, reject) => {
      const pending = { ask, resolve, reject };
      if (this.hold) this.queue.push(pending);
      else queueMicrotask(() => this.commit(pending));
    });
  };

  /** Leases asked and not answered yet (only while `hold`). */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Answers held leases: the one at `index` (the oldest by default), or with `index` 'all',
   * every one in order; then lets the callers' continuations run.
   */
  async answer(index: number | 'all' = 0): Promise<void> {
    const answered = index === 'all' ? this.queue.splice(0) : this.queue.splice(index, 1);
    for (const pending of answered) this.commit(pending);
    await drain();
  }

  /** The stored budget document of an account, or of one of its key lineages. */
  budget(accountId: string, budgetId?: string): BudgetDoc {
    return this.docs.get(budgetPath(accountId, budgetId)) ?? budgetDocSchema.parse({});
  }

  /** Stores a budget document as if earlier leases had written it. */
  setBudget(accountId: string, doc: z.input<typeof budgetDocSchema>, budgetId?: string): void {
    this.docs.set(budgetPath(accountId, budgetId), budgetDocSchema.parse(doc));
  }

  private commit({ ask, resolve, reject }: Pending): void {
    const failure = this.failures.shift();
    if (failure === 'before-commit') {
      reject(new LedgerUnavailable(failure));
      return;
    }
    const accountPath = budgetPath(ask.accountId);
    const keyPath = ask.key === undefined ? undefined : budgetPath(ask.accountId, ask.key.budgetId);
    const settled = settleLease(
      ask,
      this.allowances.get(ask.accountId),
      this.budget(ask.accountId),
      this.budget(ask.accountId, ask.key?.budgetId),
    );
    this.docs.set(accountPath, settled.account);
    if (keyPath !== undefined && settled.key !== undefined) this.docs.set(keyPath, settled.key);
    if (failure === 'after-commit') reject(new LedgerUnavailable(failure));
    else resolve(settled.grant);
  }
}

/** Lets promise continuations queued so far (and those they queue) run. */
export async function drain(rounds = 20): Promise<void> {
  // Background work starts on the next turn of the event loop (lib/start-soon.ts).
  await new Promise((resolve) => setImmediate(resolve));
  for (let i = 0; i < rounds; i += 1) await Promise.resolve();
}
