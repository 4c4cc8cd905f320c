/**
 * Benchmark of Keymeter's metered API against the naive design, in one run:
 *
 *   npm run bench:api [-- --rate 200 --seconds 20 --keys 5 --burst 3000]
 *
 * Both designs serve the same handler (GET /v1/time) from one in-process HTTP server: Keymeter
 * through the real API app (createApiApp: withApiKey, key cache, usage buffer, production
 * constants) and the baseline through bench/lib/baseline.ts. Firestore is a private
 * tools/firestore-emulator instance, which counts every read, write and delete. Folding runs
 * in-process after each phase (foldUsageBatch for Keymeter, two increments per event for the
 * baseline), so the trigger's operations are counted too.
 *
 * Per design: a warm-up (cold caches), then the measured phase at --rate calls/s for --seconds
 * over --keys keys, then an unpaced burst for the maximum rate. The last line is one JSON object.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express from 'express';
import {
  baselineFold,
  baselineMetrics,
  baselineWithApiKey,
  BASELINE_DAILY,
  type BaselineEvent,
} from './lib/baseline.js';
import { startBenchFirestore, type OpCounts } from './lib/firestore.js';
import { costPerMillionCalls, percentile, runLoad } from './lib/load.js';

const { values: args } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    keys: { type: 'string', default: '5' },
    burst: { type: 'string', default: '3000' },
    'max-in-flight': { type: 'string', default: '64' },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const KEYS = Number(args.keys);
const BURST = Number(args.burst);
const MAX_IN_FLIGHT = Number(args['max-in-flight']);
const WARMUP_CALLS_PER_KEY = 20;

// Production behaviour: the emulator flag would shorten the cache TTL and the flush age.
delete process.env.FUNCTIONS_EMULATOR;
// firebase-functions' logger keeps the console methods it finds when loaded: debug events
// (one per flush and per fold) would drown the report.
console.debug = () => undefined;
const firestore = await startBenchFirestore();
process.env.FIRESTORE_EMULATOR_HOST = firestore.address;
process.env.GCLOUD_PROJECT = 'demo-keymeter-bench';

const { createApiApp } = await import('../functions/src/api/app.js');
const { currentTime } = await import('../functions/src/api/time.js');
// The handler of GET /v1/time as the route table runs it, without the key check.
const getTime = () => ({ body: currentTime() });
const { newKey } = await import('../functions/src/keys/new-key.js');
const { KEY_CACHE_TTL_MS } = await import('../functions/src/keys/api-key-runtime.js');
const { db } = await import('../functions/src/lib/firebase.js');
const { API_KEYS, API_USAGE_DAILY } = await import('../functions/src/lib/collections.js');
const { keyCheckMetrics, resetKeyCheckMetrics } = await import('../functions/src/lib/metrics.js');
const { foldUsageBatch } = await import('../functions/src/usage/fold-usage.js');
const { PRODUCTION_FLUSH_POLICY, usageRecorder } = await import('../functions/src/keys/usage-recorder.js');
const { ACCOUNTS } = await import('../functions/src/lib/collections.js');
const { leaseReads } = await import('../functions/src/keys/budget-ledger.js');

type Design = 'keymeter' | 'baseline';

/**
 * Documents a lease transaction reads for an account without capped keys, from the ledger's own
 * list (it was a hand-kept 2 that missed the alert settings the lease learned to read).
 */
const LEASE_READS = leaseReads('bench').length;

/** An account and its keys, with limits (set as an operator would) far above what the bench sends. */
async function createKeys(accountId: string): Promise<{ id: string; secret: string }[]> {
  await db()
    .collection(ACCOUNTS)
    .doc(accountId)
    .set({
      kind: 'personal',
      name: accountId,
      plan_tier: 'enterprise',
      limit_overrides: { monthly: 1_000_000_000, per_minute: 1_000_000 },
      created_at: new Date(),
    });
  const keys = [];
  for (let i = 0; i < KEYS; i += 1) {
    const ref = db().collection(API_KEYS).doc();
    const created = newKey({
      accountId,
      createdBy: accountId,
      label: `bench ${i}`,
      scopes: ['read'],
      now: new Date(),
    });
    await ref.set(created.data);
    keys.push({ id: ref.id, secret: created.secret });
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// The server: both designs and an unmetered control route, timed from arrival to last byte.

const serverTimes: Record<Design | 'control', number[]> = { keymeter: [], baseline: [], control: [] };
const baselineEvents: BaselineEvent[] = [];
const keymeterBatches: { id: string; key_id: string; account_id: string; date: string; period: string }[] =
  [];
usageRecorder().onWritten((batches) => {
  for (const batch of batches) {
    keymeterBatches.push({
      id: batch.id,
      key_id: batch.key_id,
      account_id: batch.account_id,
      date: batch.date,
      period: batch.period,
    });
  }
});

const app = express();
app.use((req, res, next) => {
  const started = performance.now();
  const bucket: Design | 'control' = req.path.startsWith('/baseline')
    ? 'baseline'
    : req.path.startsWith('/control')
      ? 'control'
      : 'keymeter';
  res.on('finish', () => serverTimes[bucket].push(performance.now() - started));
  next();
});
app.get('/control/v1/time', (_req, res) => {
  res.json(getTime().body);
});
app.get(
  '/baseline/v1/time',
  baselineWithApiKey('GET /v1/time', getTime, (event) => baselineEvents.push(event)),
);
app.use(createApiApp());
const server = await new Promise<Server>((resolve) => {
  const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
});
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function call(path: string, secret?: string): Promise<number> {
  const response = await fetch(
    `${base}${path}`,
    secret === undefined ? {} : { headers: { authorization: `Bearer ${secret}` } },
  );
  await response.arrayBuffer();
  return response.status;
}

// ---------------------------------------------------------------------------------------------
// Folding, as the triggers would.

async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        if (item !== undefined) await work(item);
      }
    }),
  );
}

/** Ends a phase: Keymeter flushes what is buffered (as on SIGTERM); both fold what was written. */
async function settle(design: Design): Promise<number> {
  if (design === 'keymeter') {
    await usageRecorder().flushAll();
    const batches = keymeterBatches.splice(0);
    await inParallel(batches, 8, (batch) => foldUsageBatch(batch.id, batch));
    return batches.length;
  }
  const events = baselineEvents.splice(0);
  await inParallel(events, 16, (event) => baselineFold(event));
  return events.length;
}

function diff(after: OpCounts, before: OpCounts): OpCounts {
  return {
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    deletes: after.deletes - before.deletes,
  };
}

async function sumDaily(collection: string, accountId: string): Promise<number> {
  const days = await db().collection(collection).where('account_id', '==', accountId).get();
  return days.docs.reduce((sum, doc) => sum + Number(doc.get('total_requests') ?? 0), 0);
}

async function sumMonthly(keys: { id: string }[]): Promise<number> {
  const docs = await Promise.all(keys.map((key) => db().collection(API_KEYS).doc(key.id).get()));
  return docs.reduce((sum, doc) => sum + Number(doc.get('monthly_usage') ?? 0), 0);
}

interface DesignReport {
  calls: number;
  calls_per_second: number;
  max_calls_per_second: number;
  added_latency_ms: { p50: number; p99: number };
  critical_path_per_call: { reads: number; writes: number };
  /** Revocation checks, key refreshes and leases, sent beside the calls, never awaited by one. */
  background_reads_per_call: number;
  total_per_call: { reads: number; writes: number; deletes: number };
  awaited_round_trips_per_call: number;
  usage_documents: number;
  cost_per_million_calls_usd: number;
  cost_per_million_calls_with_ttl_deletes_usd: number;
  aggregates_exact: boolean;
  calls_made: number;
  daily_total: number;
  monthly_total: number;
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

async function runDesign(design: Design): Promise<DesignReport> {
  const userId = `bench-${design}`;
  const keys = await createKeys(userId);
  const path = design === 'keymeter' ? '/v1/time' : '/baseline/v1/time';
  const secretFor = (index: number) => keys[index % keys.length]?.secret;
  let callsMade = 0;
  const count = (status: number) => {
    callsMade += 1;
    if (status !== 200) throw new Error(`${design}: a call answered ${status}`);
    return status;
  };

  // Warm-up: every key read once (Keymeter caches it from here on).
  await runLoad({
    calls: WARMUP_CALLS_PER_KEY * KEYS,
    ratePerSecond: 0,
    maxInFlight: 8,
    call: async (i) => count(await call(path, secretFor(i))),
  });
  await settle(design);

  // Measured phase.
  serverTimes[design] = [];
  serverTimes.control = [];
  resetKeyCheckMetrics();
  baselineMetrics.awaitedRoundTrips = 0;
  await firestore.resetStats();
  const before = await firestore.stats();
  const measuredCalls = RATE * SECONDS;
  const load = await runLoad({
    calls: measuredCalls,
    ratePerSecond: RATE,
    maxInFlight: MAX_IN_FLIGHT,
    call: async (i) => {
      // One unmetered control call in ten, to subtract what the HTTP stack itself costs.
      if (i % 10 === 0) await call('/control/v1/time');
      return count(await call(path, secretFor(i)));
    },
  });
  const criticalOps = diff(await firestore.stats(), before);
  // Work sent beside the calls, never awaited by one: each revocation check and key refresh is
  // one query, billed one read while no key is revoked (none is here); each background lease
  // reads the account's budget and account documents and writes the budget (no key has caps).
  const backgroundLeases = design === 'keymeter' ? keyCheckMetrics.leases - keyCheckMetrics.leaseWaits : 0;
  const backgroundReads =
    design === 'keymeter'
      ? keyCheckMetrics.revocationChecks -
        keyCheckMetrics.revocationWaits +
        keyCheckMetrics.keyRefreshes +
        LEASE_READS * backgroundLeases
      : 0;
  const backgroundWrites = backgroundLeases;
  const roundTrips =
    design === 'keymeter' ? keyCheckMetrics.awaitedRoundTrips : baselineMetrics.awaitedRoundTrips;
  const usageDocuments = await settle(design);
  const totalOps = diff(await firestore.stats(), before);

  // Added latency: the metered call's server time minus the typical (median) server time of the
  // same handler unmetered, so the HTTP stack and the handler are not counted as metering.
  const times = [...serverTimes[design]].sort((a, b) => a - b);
  const control = percentile(
    [...serverTimes.control].sort((a, b) => a - b),
    50,
  );
  const p50 = Math.max(0, percentile(times, 50) - control);
  const p99 = Math.max(0, percentile(times, 99) - control);

  // Burst: as fast as the in-flight limit allows, for the maximum rate.
  const burst = await runLoad({
    calls: BURST,
    ratePerSecond: 0,
    maxInFlight: MAX_IN_FLIGHT,
    call: async (i) => count(await call(path, secretFor(i))),
  });
  await settle(design);

  const dailyTotal = await sumDaily(design === 'keymeter' ? API_USAGE_DAILY : BASELINE_DAILY, userId);
  const monthlyTotal = await sumMonthly(keys);
  const n = measuredCalls;
  return {
    calls: n,
    calls_per_second: round(n / (load.durationMs / 1000), 1),
    max_calls_per_second: round(burst.calls / (burst.durationMs / 1000), 1),
    added_latency_ms: { p50: round(p50), p99: round(p99) },
    critical_path_per_call: {
      reads: round((criticalOps.reads - backgroundReads) / n, 4),
      writes: round((criticalOps.writes - backgroundWrites) / n, 4),
    },
    background_reads_per_call: round(backgroundReads / n, 4),
    total_per_call: {
      reads: round(totalOps.reads / n, 4),
      writes: round(totalOps.writes / n, 4),
      deletes: round(totalOps.deletes / n, 4),
    },
    awaited_round_trips_per_call: round(roundTrips / n, 4),
    usage_documents: usageDocuments,
    cost_per_million_calls_usd: round(costPerMillionCalls(totalOps, n), 2),
    cost_per_million_calls_with_ttl_deletes_usd: round(
      costPerMillionCalls({ ...totalOps, deletes: totalOps.deletes + usageDocuments }, n),
      2,
    ),
    aggregates_exact: dailyTotal === callsMade && monthlyTotal === callsMade,
    calls_made: callsMade,
    daily_total: dailyTotal,
    monthly_total: monthlyTotal,
  };
}

function table(reports: Record<Design, DesignReport>): string {
  const rows: [string, (r: DesignReport) => string][] = [
    ['calls in the measured phase', (r) => String(r.calls)],
    ['calls/s (paced)', (r) => String(r.calls_per_second)],
    ['calls/s (unpaced burst)', (r) => String(r.max_calls_per_second)],
    ['added latency p50 / p99 (ms)', (r) => `${r.added_latency_ms.p50} / ${r.added_latency_ms.p99}`],
    ['reads/call, critical path', (r) => String(r.critical_path_per_call.reads)],
    ['reads/call, background (revocation, refresh, lease)', (r) => String(r.background_reads_per_call)],
    ['writes/call, critical path', (r) => String(r.critical_path_per_call.writes)],
    ['reads/call, total', (r) => String(r.total_per_call.reads)],
    ['writes/call, total', (r) => String(r.total_per_call.writes)],
    ['awaited round trips/call', (r) => String(r.awaited_round_trips_per_call)],
    ['usage documents written', (r) => String(r.usage_documents)],
    ['$ per million calls', (r) => r.cost_per_million_calls_usd.toFixed(2)],
    ['$ per million, with TTL deletes', (r) => r.cost_per_million_calls_with_ttl_deletes_usd.toFixed(2)],
    [
      'aggregates equal calls made',
      (r) => `${r.aggregates_exact} (${r.daily_total}/${r.monthly_total} of ${r.calls_made})`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`${''.padEnd(width)}  ${'keymeter'.padEnd(30)}baseline`];
  for (const [label, value] of rows)
    lines.push(`${label.padEnd(width)}  ${value(reports.keymeter).padEnd(30)}${value(reports.baseline)}`);
  return lines.join('\n');
}

try {
  console.log(
    `bench:api — ${RATE} calls/s for ${SECONDS} s over ${KEYS} keys per design; key cache TTL ${KEY_CACHE_TTL_MS} ms; ` +
      `flush at ${PRODUCTION_FLUSH_POLICY.maxCalls} calls or ${PRODUCTION_FLUSH_POLICY.maxAgeMs} ms; Firestore ${firestore.address}`,
  );
  const keymeter = await runDesign('keymeter');
  const baseline = await runDesign('baseline');
  const reports = { keymeter, baseline };
  console.log(table(reports));
  const targets = {
    zero_reads_warm: keymeter.critical_path_per_call.reads === 0,
    at_most_one_round_trip: keymeter.awaited_round_trips_per_call <= 1,
    writes_per_call_at_most_1_2: keymeter.total_per_call.writes <= 1.2,
    cost_at_most_a_third_of_baseline:
      keymeter.cost_per_million_calls_usd <= baseline.cost_per_million_calls_usd / 3,
    aggregates_exact: keymeter.aggregates_exact && baseline.aggregates_exact,
  };
  console.log(
    `targets: ${Object.entries(targets)
      .map(([name, met]) => `${name} ${met ? 'met' : 'MISSED'}`)
      .join(', ')}`,
  );
  console.log(
    JSON.stringify({
      measured_at: new Date().toISOString(),
      rate: RATE,
      seconds: SECONDS,
      keys: KEYS,
      keymeter,
      baseline,
      targets,
    }),
  );
} finally {
  server.close();
  await firestore.stop();
}
process.exit(0);
