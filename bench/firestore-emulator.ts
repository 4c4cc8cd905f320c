/**
 * Benchmark of the Java-free Firestore emulator (tools/firestore-emulator).
 *
 *   npm run bench:emulator [-- --commits 30000 --concurrency 32 --connections 4 --transport raw|grpc-js
 *                             --clients N --serial 2000 --admin-commits 12000 --admin-concurrency 64
 *                             --transactions 400 --contention 20 --profile]
 *
 * The emulator runs in a child process pinned to one core (`taskset -c <first allowed cpu>`);
 * everything else (client processes, this process) is pinned to the remaining cores, so the
 * emulator has its core to itself and never helps the clients. Without taskset, or with a single
 * core, everything runs unpinned and the output says so. Phases:
 *
 * 1. emulator, lean client (the headline): uncontended single-document commits sent by --clients
 *    processes with CommitRequests pre-encoded from the protos firebase-admin uses, over
 *    bench/lib/raw-grpc.ts (a hand-framed HTTP/2 gRPC client that costs ~10-20 µs of CPU per
 *    call), --concurrency calls in flight per process over --connections connections. The client
 *    costs a fraction of what the emulator does per commit, so the emulator's core is the
 *    bottleneck: this is the emulator's throughput on one core.
 * 2. the same with one call in flight: the latency of a commit when nothing queues.
 * 3. firebase-admin: the same kind of writes through `DocumentReference.set` from --clients
 *    processes: what an application sees; there the client's CPU (~300 µs per commit) limits.
 * 4. contended: --transactions read-modify-write transactions on one document through
 *    firebase-admin's runTransaction, --contention at a time (the real protocol, retries included).
 *
 * Each uncontended phase reports the emulator's CPU time per commit (from /proc/<pid>/stat),
 * how busy the emulator's core was (from /proc/stat, so other processes on it show up), and the
 * clients' CPU time per commit, so a reader can tell which side limited the run. The emulator's
 * operation counters (GET /keymeter/v1/stats) must show exactly the commits the clients counted.
 * The last line is one JSON object: the four headline fields first, then the supporting ones.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import protobuf from 'protobufjs';
import { buildEmulator, emulatorStats, resetEmulatorStats, spawnFirestoreEmulator } from './lib/firestore.js';
import { connectRawGrpc, type RawGrpcConnection } from './lib/raw-grpc.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const PROJECT = 'demo-bench';
const DATABASE = `projects/${PROJECT}/databases/(default)`;
const COMMIT_PATH = '/google.firestore.v1.Firestore/Commit';

const { values: options } = parseArgs({
  options: {
    commits: { type: 'string', default: '30000' },
    warmup: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '32' },
    serial: { type: 'string', default: '2000' },
    clients: { type: 'string' },
    'admin-commits': { type: 'string', default: '12000' },
    'admin-warmup': { type: 'string', default: '3000' },
    'admin-concurrency': { type: 'string', default: '64' },
    transactions: { type: 'string', default: '400' },
    contention: { type: 'string', default: '20' },
    profile: { type: 'boolean', default: false },
    // Internal: run as client process number <worker> of an uncontended phase.
    worker: { type: 'string' },
    mode: { type: 'string' },
    host: { type: 'string' },
    transport: { type: 'string', default: 'raw' },
    connections: { type: 'string', default: '4' },
  },
});

// ---------------------------------------------------------------------------------------------
// CPUs, pinning and CPU accounting (Linux; elsewhere the emulator runs unpinned and unmeasured)

function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

interface Placement {
  /** The emulator's CPU, or undefined when it runs unpinned. */
  readonly emulatorCpu: number | undefined;
  /** taskset CPU list for clients and this process, or undefined when unpinned. */
  readonly clientCpus: string | undefined;
  readonly clientCpuCount: number;
  /** The CPUs whose load is measured: the emulator's, and the clients'. */
  readonly emulatorCpus: readonly number[];
  readonly clientCpuList: readonly number[];
  readonly note: string;
}

function placement(): Placement {
  const unpinned = (note: string): Placement => ({
    emulatorCpu: undefined,
    clientCpus: undefined,
    clientCpuCount: os.availableParallelism(),
    emulatorCpus: [],
    clientCpuList: [],
    note,
  });
  if (spawnSync('taskset', ['--version']).status !== 0)
    return unpinned('UNPINNED: taskset (util-linux) not found, emulator and clients share all cores');
  const status = readFileSync('/proc/self/status', 'utf8');
  const allowed = parseCpuList(/^Cpus_allowed_list:\s*(.+)$/m.exec(status)?.[1] ?? '');
  const [emulatorCpu, ...rest] = allowed;
  if (emulatorCpu === undefined || rest.length === 0)
    return unpinned('UNPINNED: only one core available, emulator and clients share it');
  return {
    emulatorCpu,
    clientCpus: rest.join(','),
    clientCpuCount: rest.length,
    emulatorCpus: [emulatorCpu],
    clientCpuList: rest,
    note: `emulator pinned to cpu ${emulatorCpu}, clients and this process to cpu ${rest.join(',')}`,
  };
}

function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** User + system CPU seconds of a process (all its threads), from /proc; undefined elsewhere. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Busy and total seconds of some CPUs (all processes), from /proc/stat. */
function cpuTimes(cpus: readonly number[]): { busy: number; total: number } | undefined {
  if (cpus.length === 0 || !existsSync('/proc/stat')) return undefined;
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  let busy = 0;
  let total = 0;
  for (const cpu of cpus) {
    const line = lines.find((l) => l.startsWith(`cpu${cpu} `));
    if (line === undefined) return undefined;
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const cpuBusy = user + nice + system + irq + softirq + steal;
    busy += cpuBusy / CLOCK_TICKS;
    total += (cpuBusy + idle + iowait) / CLOCK_TICKS;
  }
  return { busy, total };
}

/** Busy fraction of `cpus` between two readings, in cores (1 = one core fully busy). */
function busyCores(
  before: ReturnType<typeof cpuTimes>,
  after: ReturnType<typeof cpuTimes>,
  cpus: number,
): number | undefined {
  if (before === undefined || after === undefined) return undefined;
  return ((after.busy - before.busy) / Math.max(1e-9, after.total - before.total)) * cpus;
}

// ---------------------------------------------------------------------------------------------
// The emulator

// ---------------------------------------------------------------------------------------------
// Client processes

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs `total` operations with `concurrency` in flight; returns each one's latency in ms. */
async function closedLoop(
  total: number,
  concurrency: number,
  operation: (i: number, lane: number) => Promise<void>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = process.hrtime.bigint();
        await operation(i, lane);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return latencies;
}

/** The document every uncontended commit writes, firebase-admin's `set` (no mask, no precondition). */
function benchFields(i: number, lane: number) {
  return { i, lane, status: 200, endpoint: 'GET /v1/forecast', latency_ms: i % 97 };
}

/**
 * A lean gRPC client: CommitRequests pre-encoded (and pre-framed) with the Firestore protos that
 * firebase-admin uses, sent as raw bytes. Request j writes document d<(j mod 4096) div 8> of
 * collection bench_lean_<worker>_<j mod 8> with i = j, so each of the 4096 documents alternates
 * between two contents and every commit changes its document (an unchanged write would skip most
 * of the emulator's work). Transport: bench/lib/raw-grpc.ts (default `raw`: HTTP/2 frames
 * written by hand, a few µs of CPU per call) or @grpc/grpc-js (`--transport grpc-js`, a standard
 * client, which costs about as much CPU per call as the emulator). --connections connections per
 * client process, lanes spread over them: on a single connection client and emulator run in lock
 * step (a batch of requests, a batch of responses) and each idles while the other works. Every
 * response message is decoded and checked (one write result, a commit time); with `raw` the
 * status is not decoded, which is why each phase also checks the emulator's own counters.
 */
function leanClient(host: string, worker: string, transport: string, connections: number) {
  const require = createRequire(import.meta.url);
  const protos = protobuf.Root.fromJSON(
    require('@google-cloud/firestore/build/protos/v1.json') as protobuf.INamespace,
  );
  const CommitRequest = protos.lookupType('google.firestore.v1.CommitRequest');
  const CommitResponse = protos.lookupType('google.firestore.v1.CommitResponse');
  const check = (bytes: Uint8Array) => {
    const response = CommitResponse.decode(bytes) as unknown as {
      writeResults: unknown[];
      commitTime: unknown;
    };
    if (response.writeResults.length !== 1 || response.commitTime === null)
      throw new Error('unexpected CommitResponse');
  };
  const POOL = 8192;
  const pool = Array.from({ length: POOL }, (_, j) => {
    const fields = benchFields(j, j % 8);
    return CommitRequest.encode(
      CommitRequest.fromObject({
        database: DATABASE,
        writes: [
          {
            update: {
              name: `${DATABASE}/documents/bench_lean_${worker}_${j % 8}/d${(j % 4096) >> 3}`,
              fields: {
                i: { integerValue: fields.i },
                lane: { integerValue: fields.lane },
                status: { integerValue: fields.status },
                endpoint: { stringValue: fields.endpoint },
                latency_ms: { integerValue: fields.latency_ms },
              },
            },
          },
        ],
      }),
    ).finish();
  });
  // The metadata firebase-admin 13 sends with a Commit to an emulator (its x-goog-api-client
  // names library versions), and for the raw transport the headers grpc-js adds (a commit has a
  // 60 s deadline, which the server turns into a timer).
  const headers = {
    'x-goog-api-client': 'keymeter-bench raw-grpc',
    'google-cloud-resource-prefix': DATABASE,
    authorization: 'Bearer owner',
    'x-goog-request-params': `database=${encodeURIComponent(DATABASE)}`,
  };
  const transportHeaders = {
    'grpc-accept-encoding': 'identity,deflate,gzip',
    'accept-encoding': 'identity',
    'grpc-timeout': '60S',
    'user-agent': 'keymeter-bench',
  };
  let sent = 0;

  if (transport === 'grpc-js') {
    // Distinct channel options keep grpc-js from sharing one subchannel (connection) among them.
    const clients = Array.from(
      { length: connections },
      (_, n) => new Client(host, credentials.createInsecure(), { 'bench.connection': n }),
    );
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    const buffers = pool.map((bytes) => Buffer.from(bytes));
    const identity = (bytes: Buffer) => bytes;
    const commit = (_i: number, lane: number) =>
      new Promise<void>((resolve, reject) => {
        const request = buffers[sent++ % POOL] as Buffer;
        const client = clients[lane % connections] as Client;
        const options = { deadline: Date.now() + 60_000 };
        client.makeUnaryRequest(
          COMMIT_PATH,
          identity,
          identity,
          request,
          metadata,
          options,
          (error, bytes) => {
            if (error !== null || bytes === undefined) return reject(error ?? new Error('no response'));
            try {
              check(bytes);
              resolve();
            } catch (failure) {
              reject(failure as Error);
            }
          },
        );
      });
    return {
      commit,
      close: () => {
        for (const client of clients) client.close();
      },
    };
  }

  const [hostname = '127.0.0.1', port = '0'] = host.split(':');
  const connecting = Array.from({ length: connections }, () =>
    connectRawGrpc(hostname, Number(port), COMMIT_PATH, { ...headers, ...transportHeaders }),
  );
  const commit = async (_i: number, lane: number) => {
    const connection = await (connecting[lane % connections] as Promise<RawGrpcConnection>);
    check(await connection.call(pool[sent++ % POOL] as Uint8Array));
  };
  return {
    commit,
    close: async () => {
      for (const connection of await Promise.all(connecting)) connection.close();
    },
  };
}

/** A firebase-admin client writing the same documents through `set`. */
function adminClient(worker: string) {
  const app = initializeApp({ projectId: PROJECT }, `bench-worker-${worker}`);
  const db = getFirestore(app);
  let prefix = `bench_admin_warmup_${worker}`;
  return {
    commit: async (i: number, lane: number) => {
      await db
        .collection(`${prefix}_${lane}`)
        .doc(`d${i % 500}`)
        .set(benchFields(i, lane));
    },
    measured: () => {
      prefix = `bench_admin_${worker}`;
    },
    close: () => deleteApp(app),
  };
}

interface WorkerResult {
  latencies: number[];
  cpuSeconds: number;
}

/** A client process: warms up, reports ready, runs its share on "go", sends back its latencies. */
async function worker(id: string): Promise<void> {
  const concurrency = Number(options.concurrency);
  const commits = Number(options.commits);
  let commit: (i: number, lane: number) => Promise<void>;
  let close: () => unknown;
  let measured = () => {};
  if (options.mode === 'lean') {
    const lean = leanClient(options.host ?? '', id, options.transport, Number(options.connections));
    commit = lean.commit;
    close = lean.close;
  } else {
    const admin = adminClient(id);
    commit = admin.commit;
    close = admin.close;
    measured = admin.measured;
  }
  await closedLoop(Number(options.warmup), concurrency, commit);
  measured();
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send?.({ ready: true });
  await go;
  const cpu = process.cpuUsage();
  const latencies = await closedLoop(commits, concurrency, commit);
  const used = process.cpuUsage(cpu);
  const result: WorkerResult = { latencies, cpuSeconds: (used.user + used.system) / 1e6 };
  await new Promise<void>((resolve) => process.send?.(result, () => resolve()));
  await close();
}

function message<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (value) => resolve(value as T));
    child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
  });
}

interface PhaseSpec {
  readonly mode: 'lean' | 'admin';
  /** Prefix of the worker ids, so that each phase writes its own collections. */
  readonly tag: string;
  readonly clients: number;
  readonly perClient: number;
  readonly warmup: number;
  readonly concurrency: number;
}

interface PhaseResult extends PhaseSpec {
  readonly total: number;
  readonly seconds: number;
  readonly commitsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly emulatorCpuSeconds: number | undefined;
  /** Busy fraction of the emulator's core (all processes), if pinned. */
  readonly coreBusy: number | undefined;
  /** Busy cores among the clients' CPUs (all processes), if pinned. */
  readonly clientCoresBusy: number | undefined;
  readonly clientCpuSeconds: number;
}

/** Runs an uncontended phase from `clients` processes at once, `perClient` commits each. */
async function uncontendedPhase(
  spec: PhaseSpec,
  host: string,
  emulatorPid: number | undefined,
  where: Placement,
): Promise<PhaseResult> {
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: spec.clients }, (_, i) => {
    const [command, args] = pinned(where.clientCpus, process.execPath, [
      ...process.execArgv,
      script,
      ...['--worker', `${spec.tag}${i}`, '--mode', spec.mode, '--host', host],
      ...['--commits', String(spec.perClient), '--warmup', String(spec.warmup)],
      ...['--concurrency', String(spec.concurrency), '--transport', options.transport],
      ...['--connections', options.connections],
    ]);
    return spawn(command, args, {
      env: { ...process.env, FIRESTORE_EMULATOR_HOST: host },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
  });
  await Promise.all(children.map((child) => message<{ ready: true }>(child)));
  const results = children.map((child) => message<WorkerResult>(child));
  await resetEmulatorStats(host);
  const emulatorBefore = processCpuSeconds(emulatorPid);
  const coreBefore = cpuTimes(where.emulatorCpus);
  const clientCoresBefore = cpuTimes(where.clientCpuList);
  const started = process.hrtime.bigint();
  for (const child of children) child.send({ go: true });
  const all = await Promise.all(results);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const emulatorAfter = processCpuSeconds(emulatorPid);
  const coreAfter = cpuTimes(where.emulatorCpus);
  const clientCoresAfter = cpuTimes(where.clientCpuList);
  const counted = await emulatorStats(host);
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode === null ? child.once('exit', () => resolve()) : resolve(),
        ),
    ),
  );
  const total = spec.perClient * spec.clients;
  if (counted.writes !== total || counted.rpcs['Commit'] !== total)
    throw new Error(
      `the emulator counted ${counted.rpcs['Commit']} commits / ${counted.writes} writes, the clients ${total}`,
    );
  const sorted = all.flatMap((result) => result.latencies).sort((a, b) => a - b);
  return {
    ...spec,
    total,
    seconds,
    commitsPerSecond: total / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    emulatorCpuSeconds:
      emulatorBefore === undefined || emulatorAfter === undefined
        ? undefined
        : emulatorAfter - emulatorBefore,
    coreBusy: busyCores(coreBefore, coreAfter, 1),
    clientCoresBusy: busyCores(clientCoresBefore, clientCoresAfter, where.clientCpuList.length),
    clientCpuSeconds: all.reduce((sum, result) => sum + result.cpuSeconds, 0),
  };
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(0)}%`;

function report(title: string, run: PhaseResult, where: Placement): void {
  console.log(
    `${title}: ${run.total} single-document commits from ${run.clients} client process(es), ` +
      `${run.concurrency} in flight each, in ${run.seconds.toFixed(2)} s`,
  );
  console.log(
    `  ${run.commitsPerSecond.toFixed(0)} commits/s, latency p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms`,
  );
  const emulatorShare =
    run.emulatorCpuSeconds === undefined ? undefined : run.emulatorCpuSeconds / run.seconds;
  if (run.emulatorCpuSeconds !== undefined && emulatorShare !== undefined) {
    const cpu = run.emulatorCpuSeconds;
    const core =
      run.coreBusy === undefined
        ? ' (unpinned)'
        : `; cpu ${where.emulatorCpu} was ${percent(run.coreBusy)} busy in all ` +
          `(${percent(Math.max(0, run.coreBusy - emulatorShare))} other processes)`;
    console.log(
      `  emulator CPU: ${((cpu / run.total) * 1e6).toFixed(0)} µs per commit (${(run.total / cpu).toFixed(0)} commits ` +
        `per CPU-second), ${percent(emulatorShare)} of one core${core}`,
    );
  }
  const clientShare = run.clientCpuSeconds / run.seconds;
  const clientCores =
    run.clientCoresBusy === undefined
      ? ''
      : `; cpu ${where.clientCpus} ${percent(run.clientCoresBusy / where.clientCpuList.length)} busy in all`;
  console.log(
    `  client CPU (${run.mode === 'lean' ? `lean, ${options.transport}` : 'firebase-admin'}): ` +
      `${((run.clientCpuSeconds / run.total) * 1e6).toFixed(0)} µs per commit, ${percent(clientShare)} of one core${clientCores}`,
  );
  const emulatorCoreFull = run.coreBusy !== undefined && run.coreBusy >= 0.9;
  const clientCoresFull =
    run.clientCoresBusy !== undefined && run.clientCoresBusy >= 0.9 * where.clientCpuList.length;
  let limit: string;
  if (emulatorShare === undefined) limit = 'unknown (no /proc)';
  else if (emulatorShare >= 0.9) limit = 'the emulator (its core saturated by it)';
  else if (run.concurrency === 1) limit = 'round trips (one call in flight)';
  else if (emulatorCoreFull && clientCoresFull)
    limit = "inconclusive: both sides' cores were busy, with other processes on them";
  else if (emulatorCoreFull) limit = "the emulator's core, shared with other processes";
  else if (clientCoresFull) limit = "the clients' core(s) (clients and other processes)";
  else limit = 'neither side saturated its core';
  console.log(`  limited by: ${limit}`);
}

async function contended(
  db: Firestore,
  total: number,
  contention: number,
): Promise<{ seconds: number; attempts: number }> {
  const ref = db.collection('bench_contended').doc('counter');
  await ref.set({ n: 0 });
  let next = 0;
  let attempts = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: contention }, async () => {
      for (;;) {
        if (next++ >= total) return;
        await db.runTransaction(async (tx) => {
          attempts++;
          const snapshot = await tx.get(ref);
          tx.update(ref, { n: (snapshot.get('n') as number) + 1 });
        });
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const final = (await ref.get()).get('n') as number;
  if (final !== total) throw new Error(`contended counter ended at ${final}, expected ${total}`);
  return { seconds, attempts };
}

function round(value: number | undefined, digits: number): number | null {
  return value === undefined ? null : Number(value.toFixed(digits));
}

async function main(): Promise<void> {
  const cores = os.availableParallelism();
  const where = placement();
  // This process (firebase-admin for the contended phase) stays off the emulator's core too.
  if (where.clientCpus !== undefined)
    spawnSync('taskset', ['-a', '-p', '-c', where.clientCpus, String(process.pid)], { stdio: 'ignore' });
  const clients = Number(options.clients ?? Math.max(1, Math.min(4, where.clientCpuCount)));
  const commits = Number(options.commits);
  const adminCommits = Number(options['admin-commits']);
  const transactions = Number(options.transactions);
  const contention = Number(options.contention);

  // Always rebuilt: the figures must be those of the emulator's current source.
  buildEmulator({ rebuild: true });
  const cpu = where.emulatorCpu;
  const emulator = await spawnFirestoreEmulator({
    nodeArgs: options.profile
      ? ['--cpu-prof', '--cpu-prof-dir', path.join(root, '.cache', 'emulator-profile')]
      : [],
    wrap: (command, args) => pinned(cpu === undefined ? undefined : String(cpu), command, args),
  });
  const host = emulator.address;
  process.env['FIRESTORE_EMULATOR_HOST'] = host;
  const app = initializeApp({ projectId: PROJECT }, 'bench');
  const db = getFirestore(app);
  try {
    console.log(
      `machine: ${cores} cores, load average ${os
        .loadavg()
        .map((load) => load.toFixed(2))
        .join(' ')}; ${where.note}; node ${process.version}`,
    );
    const lean = await uncontendedPhase(
      {
        mode: 'lean',
        tag: 'l',
        clients,
        perClient: Math.ceil(commits / clients),
        warmup: Number(options.warmup),
        concurrency: Number(options.concurrency),
      },
      host,
      emulator.pid,
      where,
    );
    report('emulator, lean gRPC client (headline)', lean, where);
    const serial = await uncontendedPhase(
      { mode: 'lean', tag: 's', clients: 1, perClient: Number(options.serial), warmup: 200, concurrency: 1 },
      host,
      emulator.pid,
      where,
    );
    report('emulator, lean gRPC client, one call in flight', serial, where);
    const admin = await uncontendedPhase(
      {
        mode: 'admin',
        tag: 'a',
        clients,
        perClient: Math.ceil(adminCommits / clients),
        warmup: Number(options['admin-warmup']),
        concurrency: Number(options['admin-concurrency']),
      },
      host,
      emulator.pid,
      where,
    );
    report('firebase-admin client (what applications see)', admin, where);

    const txCpuBefore = processCpuSeconds(emulator.pid);
    const tx = await contended(db, transactions, contention);
    const txCpuAfter = processCpuSeconds(emulator.pid);
    const txPerSecond = transactions / tx.seconds;
    console.log(
      `contended (firebase-admin runTransaction): ${transactions} read-modify-write transactions on one document, ` +
        `${contention} concurrent, in ${tx.seconds.toFixed(2)} s: ${txPerSecond.toFixed(0)} tx/s, ` +
        `${tx.attempts - transactions} retries`,
    );
    const txCpu =
      txCpuBefore === undefined || txCpuAfter === undefined ? undefined : txCpuAfter - txCpuBefore;
    if (txCpu !== undefined)
      console.log(
        `  emulator CPU: ${((txCpu / transactions) * 1e6).toFixed(0)} µs per transaction ` +
          `(locked read, commit), ${percent(txCpu / tx.seconds)} of one core: the transactions ` +
          'take turns on the document lock, and each turn waits for a client round trip',
      );

    const leanCpu = lean.emulatorCpuSeconds;
    const leanShare = leanCpu === undefined ? undefined : leanCpu / lean.seconds;
    const met = lean.commitsPerSecond >= 5000;
    console.log(
      `target (>= 5,000 uncontended commits/s on one core): ${met ? 'met' : 'NOT met'} in this run: ` +
        `${lean.commitsPerSecond.toFixed(0)} commits/s` +
        (where.emulatorCpu === undefined
          ? ' with the emulator UNPINNED'
          : ` with the emulator alone on cpu ${where.emulatorCpu}`) +
        (leanCpu === undefined || leanShare === undefined
          ? ''
          : ` (using ${percent(leanShare)} of it${
              lean.coreBusy === undefined
                ? ''
                : `, other processes ${percent(Math.max(0, lean.coreBusy - leanShare))}`
            }); its cost, ${((leanCpu / lean.total) * 1e6).toFixed(0)} µs of CPU per commit, ` +
            `is ${(lean.total / leanCpu).toFixed(0)} commits per CPU-second`),
    );
    console.log(
      JSON.stringify({
        uncontended_commits_per_s: Math.round(lean.commitsPerSecond),
        p50_ms: round(lean.p50, 3),
        p99_ms: round(lean.p99, 3),
        contended_tx_per_s: Math.round(txPerSecond),
        emulator_cpu_us_per_commit: round(
          lean.emulatorCpuSeconds === undefined ? undefined : (lean.emulatorCpuSeconds / lean.total) * 1e6,
          1,
        ),
        emulator_core_utilization: round(
          lean.emulatorCpuSeconds === undefined ? undefined : lean.emulatorCpuSeconds / lean.seconds,
          3,
        ),
        emulator_core_busy_other_processes: round(
          lean.coreBusy === undefined || lean.emulatorCpuSeconds === undefined
            ? undefined
            : Math.max(0, lean.coreBusy - lean.emulatorCpuSeconds / lean.seconds),
          3,
        ),
        emulator_pinned_cpu: where.emulatorCpu ?? null,
        client_transport: options.transport,
        client_cpu_us_per_commit: round((lean.clientCpuSeconds / lean.total) * 1e6, 1),
        in_flight: lean.clients * lean.concurrency,
        serial_p50_ms: round(serial.p50, 3),
        serial_p99_ms: round(serial.p99, 3),
        admin_sdk_commits_per_s: Math.round(admin.commitsPerSecond),
        admin_sdk_p50_ms: round(admin.p50, 3),
        admin_sdk_p99_ms: round(admin.p99, 3),
        admin_sdk_emulator_cpu_us_per_commit: round(
          admin.emulatorCpuSeconds === undefined ? undefined : (admin.emulatorCpuSeconds / admin.total) * 1e6,
          1,
        ),
        admin_sdk_client_cpu_us_per_commit: round((admin.clientCpuSeconds / admin.total) * 1e6, 1),
        contended_emulator_cpu_us_per_tx: round(
          txCpu === undefined ? undefined : (txCpu / transactions) * 1e6,
          1,
        ),
      }),
    );
  } finally {
    await deleteApp(app);
    await emulator.stop();
  }
}

const run = options.worker === undefined ? main() : worker(options.worker);
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
