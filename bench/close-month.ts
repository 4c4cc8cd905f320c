/**
 * Benchmark of the monthly close at scale, in one run:
 *
 *   npm run bench:close-month [-- --accounts 10000 --keys 100000 --crash-at 0.5 --folds 3000]
 *
 * Firestore is a private tools/firestore-emulator child process (no stack, no stack lock), which
 * counts every read, write and delete. The seed writes --accounts accounts and --keys keys, with
 * daily usage for the two months before this one (raw 500-write batches). Then:
 *
 * 1. The close of the older month, run as the scheduled function runs it (closeMonth with
 *    FIRESTORE_EMULATOR_HOST set, a 540 s deadline per run, continued until done): its time and
 *    its Firestore operations, then the exactness check (bench/lib/close-check.ts).
 * 2. A crash and a resume, on the newer month: the close runs in a child process that is killed
 *    (SIGKILL, mid-page) once its progress records --crash-at of the pages; then the close runs
 *    again while real folds (foldUsageBatch) race it: usage of the current month on keys already
 *    moved and not yet moved, and late usage of the month being closed. Exactness is checked
 *    again, including that each key kept exactly the current month's usage folded into it.
 *
 * The machine is shared: the load average before and after is printed. The last line is one JSON
 * object: the five headline fields first (the uninterrupted close), then the supporting ones.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkClose, type CloseCheck } from './lib/close-check.js';
import { cpuMeter } from './lib/cpu.js';
import { emulatorStats, resetEmulatorStats, spawnFirestoreEmulator, type OpCounts } from './lib/firestore.js';
import { rawDocWriter } from './lib/raw-commit.js';
import { prng } from '../scripts/lib/prng.js';
import { seedFixtures, type FixtureKey } from './lib/usage-fixtures.js';

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '10000' },
    keys: { type: 'string', default: '100000' },
    'crash-at': { type: 'string', default: '0.5' },
    folds: { type: 'string', default: '3000' },
    seed: { type: 'string', default: '20261201' },
    // Internal: run as the child process whose close is killed half-way.
    'child-close': { type: 'string' },
  },
});

// firebase-functions' logger keeps the console methods it finds when loaded.
console.debug = () => undefined;
const PROJECT = 'demo-keymeter-bench';
const benchFile = fileURLToPath(import.meta.url);
const root = path.dirname(path.dirname(benchFile));

if (args['child-close'] !== undefined) {
  const { closeMonth } = await import('../functions/src/usage/close-month.js');
  await closeMonth(args['child-close']);
  process.exit(0);
}

const ACCOUNTS = Number(args.accounts);
const KEYS = Number(args.keys);
const CRASH_AT = Number(args['crash-at']);
const FOLDS = Number(args.folds);
if (
  ![ACCOUNTS, KEYS, CRASH_AT, FOLDS].every(Number.isFinite) ||
  KEYS < ACCOUNTS ||
  CRASH_AT <= 0 ||
  CRASH_AT >= 1
) {
  console.error('usage: --accounts N --keys M (M >= N) --crash-at 0<f<1 --folds N');
  process.exit(2);
}

const loadBefore = os.loadavg();
const emulator = await spawnFirestoreEmulator({ nodeArgs: ['--max-old-space-size=8192'] });
process.env.FIRESTORE_EMULATOR_HOST = emulator.address;
process.env.GCLOUD_PROJECT = PROJECT;

const { db } = await import('../functions/src/lib/firebase.js');
const { API_USAGE_EVENTS } = await import('../functions/src/lib/collections.js');
const { newKey } = await import('../functions/src/keys/new-key.js');
const { toBatchDoc } = await import('../functions/src/keys/batch-doc.js');
const { foldUsageBatch } = await import('../functions/src/usage/fold-usage.js');
const { closeMonth, closeProgressRef, CLOSE_PAGE_SIZE } =
  await import('../functions/src/usage/close-month.js');
const { CLOSE_TIMEOUT_SECONDS } = await import('../functions/src/usage/close-month-schedule.js');
const { previousPeriod, utcPeriod, periodEnd } = await import('../functions/src/shared/dates.js');

const firestore = db();
const current = utcPeriod(new Date());
const closingB = previousPeriod(current);
const closingA = previousPeriod(closingB);

function ops(counts: OpCounts): number {
  return counts.reads + counts.writes + counts.deletes;
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

function cpuText(used: { self: number; other: number | undefined }): string {
  const emulatorCpu = used.other === undefined ? 'unknown' : `${used.other.toFixed(1)} s`;
  return `CPU: close and client ${used.self.toFixed(1)} s, emulator ${emulatorCpu}`;
}

function report(label: string, check: CloseCheck): void {
  console.log(
    `  ${label}: ${check.exact ? 'exact' : 'NOT EXACT'} — ${check.monthly_docs} monthly documents ` +
      `(${check.accounts_with_usage} accounts with usage), ${check.keys_checked} keys checked` +
      (check.days_with_usage_stale > 0
        ? `; days_with_usage lags on ${check.days_with_usage_stale} (late usage on a new day, folded after ` +
          'the close wrote the month: foldUsage adds the calls but not the day)'
        : ''),
  );
  for (const problem of check.problems) console.log(`    ${problem}`);
}

/** As the scheduled function and its continuations run it: one deadline per run, until done. */
async function closeAsScheduled(period: string): Promise<{ runs: number; keys: number; foldMoved: number }> {
  let runs = 0;
  let keys = 0;
  let foldMoved = 0;
  for (;;) {
    runs += 1;
    const result = await closeMonth(period, { deadline: Date.now() + CLOSE_TIMEOUT_SECONDS * 1000 });
    keys += result.keys_reset;
    foldMoved += result.keys_moved_by_fold;
    if (result.done) return { runs, keys, foldMoved };
  }
}

console.log(
  `Close benchmark: ${ACCOUNTS} accounts, ${KEYS} keys, closing ${closingA} (timed) and ${closingB} ` +
    `(crash at ${CRASH_AT * 100}% and resume); emulator at ${emulator.address}; ` +
    `${os.availableParallelism()} cores, load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}.`,
);

const seedStarted = Date.now();
const seedCpu = cpuMeter(emulator.pid);
const seedWriter = rawDocWriter(emulator.address, PROJECT);
const fixtures = await seedFixtures(
  seedWriter,
  { accounts: ACCOUNTS, keys: KEYS, periods: [closingA, closingB], seed: Number(args.seed) },
  (account, createdAt, usage) =>
    newKey({
      accountId: account,
      createdBy: account,
      label: 'bench',
      scopes: ['read'],
      now: createdAt,
      usage,
    }).data,
);
const seedSeconds = seconds(Date.now() - seedStarted);
console.log(
  `Seeded ${fixtures.accounts.length} accounts, ${fixtures.keys.length} keys and ${fixtures.dailyDocs} daily ` +
    `documents in ${seedSeconds} s (${cpuText(seedCpu())}).`,
);

// 1. The uninterrupted close, timed and counted.
await resetEmulatorStats(emulator.address);
const startedA = Date.now();
const cpuA = cpuMeter(emulator.pid);
const closedA = await closeAsScheduled(closingA);
const msA = Date.now() - startedA;
const usedA = cpuA();
const statsA = await emulatorStats(emulator.address);
console.log(
  `Closed ${closingA} in ${seconds(msA)} s (${closedA.runs} run(s), ${closedA.keys} keys moved): ` +
    `${statsA.reads} reads, ${statsA.writes} writes, ${statsA.deletes} deletes (${cpuText(usedA)}).`,
);
const checkA = await checkClose(firestore, {
  period: closingA,
  next: closingB,
  keys: fixtures.keys,
  calls: fixtures.callsByPeriod.get(closingA) ?? 0,
  nextUsage: new Map(),
  strictDays: true,
});
report(closingA, checkA);

// 2. A crash half-way (a killed process, mid-page), then a resume with folds racing it.
const totalPages = Math.ceil(KEYS / CLOSE_PAGE_SIZE);
const crashPages = Math.max(1, Math.floor(totalPages * CRASH_AT));
const child = spawn(process.execPath, ['--import', 'tsx', benchFile, '--child-close', closingB], {
  cwd: root,
  env: { ...process.env, FIRESTORE_EMULATOR_HOST: emulator.address, GCLOUD_PROJECT: PROJECT },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const childExit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
let pagesAtCrash = 0;
for (;;) {
  const snap = await closeProgressRef(closingB).get();
  const pages = Number(snap.get('pages') ?? 0);
  if (pages >= crashPages || child.exitCode !== null) {
    pagesAtCrash = pages;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
}
child.kill('SIGKILL');
await childExit;
const crashedDone = (await closeProgressRef(closingB).get()).get('status') === 'done';
console.log(
  `Killed the close of ${closingB} after ${pagesAtCrash} of ${totalPages} pages${crashedDone ? ' (too late: it had finished)' : ''}.`,
);

const rand = prng(Number(args.seed) + 1);
const nextUsage = new Map<string, number>();
let lateCalls = 0;
const liveKeys = fixtures.keys.filter((key) => key.live);
function pick(): FixtureKey {
  const key = liveKeys[Math.floor(rand() * liveKeys.length)];
  if (key === undefined) throw new Error('no live key to fold usage for');
  return key;
}
const lastDayB = new Date(periodEnd(closingB).getTime() - 1_000);
const firstDayNext = periodEnd(closingB);
const folds = Array.from({ length: FOLDS }, (_, i) => {
  const key = pick();
  const late = i % 3 === 2;
  const calls = 1 + Math.floor(rand() * 5);
  const at = late ? lastDayB : new Date(firstDayNext.getTime() + 60_000 + i);
  if (late) lateCalls += calls;
  else nextUsage.set(key.id, (nextUsage.get(key.id) ?? 0) + calls);
  return { key, calls, at, period: late ? closingB : current };
});

async function runFolds(): Promise<number> {
  let next = 0;
  let folded = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < folds.length) {
        const fold = folds[next];
        next += 1;
        if (fold === undefined) continue;
        const id = firestore.collection(API_USAGE_EVENTS).doc().id;
        const date = fold.at.toISOString().slice(0, 10);
        const batch = {
          id,
          key_id: fold.key.id,
          account_id: fold.key.account,
          date,
          period: fold.period,
          billable: fold.calls,
          calls: Array.from({ length: fold.calls }, () => ({
            key_id: fold.key.id,
            account_id: fold.key.account,
            endpoint: 'GET /v1/time',
            method: 'GET',
            status: 200,
            latency_ms: 12,
            at: fold.at,
            billable: true,
            units: 1,
            credit_units: 0,
            overage_units: 0,
          })),
          units: fold.calls,
          credit_units: 0,
          overage_units: 0,
          meter_units: {},
        };
        await firestore.collection(API_USAGE_EVENTS).doc(id).create(toBatchDoc(batch));
        const outcome = await foldUsageBatch(id, {
          key_id: batch.key_id,
          account_id: batch.account_id,
          date,
          period: batch.period,
        });
        if (outcome === 'folded') folded += 1;
      }
    }),
  );
  return folded;
}

await resetEmulatorStats(emulator.address);
const startedB = Date.now();
const [closedB, folded] = await Promise.all([closeAsScheduled(closingB), runFolds()]);
const msB = Date.now() - startedB;
const statsB = await emulatorStats(emulator.address);
const progressB = (await closeProgressRef(closingB).get()).data() ?? {};
console.log(
  `Resumed ${closingB} in ${seconds(msB)} s with ${folded} of ${FOLDS} folds racing it: ` +
    `${closedB.keys} keys moved by the resume, ${closedB.foldMoved} found already moved by a fold; ` +
    `progress records ${String(progressB.runs)} runs, ${String(progressB.pages)} pages; ` +
    `${statsB.reads} reads, ${statsB.writes} writes (folds included).`,
);
const checkB = await checkClose(firestore, {
  period: closingB,
  next: current,
  keys: fixtures.keys,
  calls: (fixtures.callsByPeriod.get(closingB) ?? 0) + lateCalls,
  nextUsage,
  strictDays: false,
});
report(`${closingB} after the crash and resume`, checkB);

const loadAfter = os.loadavg();
console.log(`Load average after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')} (shared machine).`);
await emulator.stop();

console.log(
  JSON.stringify({
    accounts: ACCOUNTS,
    keys: KEYS,
    seconds: seconds(msA),
    firestore_ops: ops(statsA),
    exact: checkA.exact && checkB.exact && folded === FOLDS,
    reads: statsA.reads,
    client_cpu_seconds: Number(usedA.self.toFixed(1)),
    emulator_cpu_seconds: usedA.other === undefined ? null : Number(usedA.other.toFixed(1)),
    writes: statsA.writes,
    runs: closedA.runs,
    daily_docs: fixtures.dailyDocs,
    seed_seconds: seedSeconds,
    exact_uninterrupted: checkA.exact,
    crash_after_pages: pagesAtCrash,
    pages: totalPages,
    resume_seconds: seconds(msB),
    resume_exact: checkB.exact,
    resume_folds: folded,
    resume_keys_moved_by_fold: closedB.foldMoved,
    late_fold_days_with_usage_lag: checkB.days_with_usage_stale,
    cores: os.availableParallelism(),
    load_before: Number(loadBefore[0]?.toFixed(2)),
    load_after: Number(loadAfter[0]?.toFixed(2)),
  }),
);
