/**
 * Benchmark of the Java-free Firestore emulator (tools/firestore-emulator), driven by
 * firebase-admin the way Keymeter uses it.
 *
 *   npm run bench:emulator [-- --commits 20000 --concurrency 64 --clients N --transactions 400 --profile]
 *
 * The emulator runs in a child process (so it has a core of its own). The uncontended phase is
 * driven by --clients worker processes (default: one per core left after the emulator's, at
 * least one), because a firebase-admin client spends more CPU per commit than the emulator does
 * and a single client process saturates first. Reported: uncontended single-document commits
 * (throughput, p50/p99 latency) and 20-way contended read-modify-write transactions on one
 * document. The emulator's own CPU time is read from /proc, so the report also states what one
 * core of emulator time buys. The last line is one JSON object with the headline numbers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deleteApp, initializeApp } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const packageDir = path.join(root, 'tools', 'firestore-emulator');

const { values: options } = parseArgs({
  options: {
    commits: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '64' },
    clients: { type: 'string', default: String(Math.max(1, Math.min(4, os.availableParallelism() - 1))) },
    transactions: { type: 'string', default: '400' },
    contention: { type: 'string', default: '20' },
    profile: { type: 'boolean', default: false },
    // Internal: run as client process number <worker> of the uncontended phase.
    worker: { type: 'string' },
  },
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function build(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const tsc = spawn(
      process.execPath,
      [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: packageDir,
        stdio: 'inherit',
      },
    );
    tsc.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`emulator build failed (${code})`)),
    );
  });
}

async function startEmulator(port: number): Promise<ChildProcess> {
  const args = [
    ...(options.profile
      ? ['--cpu-prof', '--cpu-prof-dir', path.join(root, '.cache', 'emulator-profile')]
      : []),
    path.join(packageDir, 'lib', 'cli.js'),
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--log_level',
    'warn',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Dev App Server is now running.')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`emulator exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return child;
}

/** User + system CPU seconds of a process, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** `total` single-document commits, `concurrency` in flight, over 500 documents per lane. */
async function uncontended(
  db: Firestore,
  total: number,
  concurrency: number,
  prefix: string,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      const collection = db.collection(`${prefix}_${lane}`);
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const t0 = process.hrtime.bigint();
        await collection
          .doc(`d${i % 500}`)
          .set({ i, lane, status: 200, endpoint: 'GET /v1/forecast', latency_ms: i % 97 });
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return latencies;
}

/** A client process: warms up, reports ready, runs its share on "go", sends back its latencies. */
async function worker(id: string): Promise<void> {
  const app = initializeApp({ projectId: 'demo-bench' }, `bench-worker-${id}`);
  const db = getFirestore(app);
  await uncontended(db, Number(options.warmup), Number(options.concurrency), `bench_warmup_${id}`);
  const go = new Promise<void>((resolve) => process.once('message', () => resolve()));
  process.send?.({ ready: true });
  await go;
  const cpu = process.cpuUsage();
  const latencies = await uncontended(
    db,
    Number(options.commits),
    Number(options.concurrency),
    `bench_uncontended_${id}`,
  );
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  await new Promise<void>((resolve) => process.send?.({ latencies, cpuSeconds }, () => resolve()));
  await deleteApp(app);
}

function message<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    child.once('message', (value) => resolve(value as T));
    child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
  });
}

interface PhaseResult {
  readonly seconds: number;
  readonly latencies: number[];
  readonly emulatorCpuSeconds: number | undefined;
  readonly clientCpuSeconds: number;
}

/** Runs the uncontended phase from `clients` processes at once, `perClient` commits each. */
async function uncontendedPhase(
  host: string,
  clients: number,
  perClient: number,
  emulatorPid: number | undefined,
): Promise<PhaseResult> {
  const script = fileURLToPath(import.meta.url);
  const children = Array.from({ length: clients }, (_, i) =>
    spawn(
      process.execPath,
      [
        ...process.execArgv,
        script,
        '--worker',
        String(i),
        '--commits',
        String(perClient),
        '--warmup',
        options.warmup,
        '--concurrency',
        options.concurrency,
      ],
      {
        env: { ...process.env, FIRESTORE_EMULATOR_HOST: host },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      },
    ),
  );
  await Promise.all(children.map((child) => message<{ ready: true }>(child)));
  const results = children.map((child) => message<{ latencies: number[]; cpuSeconds: number }>(child));
  const cpuBefore = cpuSeconds(emulatorPid);
  const started = process.hrtime.bigint();
  for (const child of children) child.send({ go: true });
  const all = await Promise.all(results);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = cpuSeconds(emulatorPid);
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) =>
          child.exitCode === null ? child.once('exit', () => resolve()) : resolve(),
        ),
    ),
  );
  return {
    seconds,
    latencies: all.flatMap((result) => result.latencies),
    clientCpuSeconds: all.reduce((sum, result) => sum + result.cpuSeconds, 0),
    emulatorCpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
  };
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

async function main(): Promise<void> {
  const commits = Number(options.commits);
  const clients = Number(options.clients);
  const transactions = Number(options.transactions);
  const contention = Number(options.contention);

  await build();
  const port = await freePort();
  const emulator = await startEmulator(port);
  const host = `127.0.0.1:${port}`;
  process.env['FIRESTORE_EMULATOR_HOST'] = host;
  const app = initializeApp({ projectId: 'demo-bench' }, 'bench');
  const db = getFirestore(app);
  try {
    const perClient = Math.ceil(commits / clients);
    const run = await uncontendedPhase(host, clients, perClient, emulator.pid);
    const total = perClient * clients;
    const sorted = [...run.latencies].sort((a, b) => a - b);
    const commitsPerSecond = total / run.seconds;
    const p50 = percentile(sorted, 50);
    const p99 = percentile(sorted, 99);
    console.log(
      `uncontended: ${total} single-document commits from ${clients} client process(es), ` +
        `${options.concurrency} in flight each, in ${run.seconds.toFixed(2)} s (${os.availableParallelism()} cores, load ${os.loadavg()[0]?.toFixed(1)})`,
    );
    console.log(
      `  ${commitsPerSecond.toFixed(0)} commits/s, latency p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
    );
    if (run.emulatorCpuSeconds !== undefined) {
      const cpu = run.emulatorCpuSeconds;
      console.log(
        `  emulator CPU: ${cpu.toFixed(2)} s in ${run.seconds.toFixed(2)} s (${((cpu / run.seconds) * 100).toFixed(0)}% of one core): ` +
          `${((cpu / total) * 1e6).toFixed(0)} µs per commit, i.e. ${(total / cpu).toFixed(0)} commits per emulator CPU-second`,
      );
    }
    console.log(
      `  client CPU (firebase-admin): ${run.clientCpuSeconds.toFixed(2)} s: ${((run.clientCpuSeconds / total) * 1e6).toFixed(0)} µs per commit, ` +
        `i.e. ${(total / run.clientCpuSeconds).toFixed(0)} commits per client CPU-second`,
    );

    const tx = await contended(db, transactions, contention);
    const txPerSecond = transactions / tx.seconds;
    console.log(
      `contended: ${transactions} read-modify-write transactions on one document, ${contention} concurrent, in ` +
        `${tx.seconds.toFixed(2)} s: ${txPerSecond.toFixed(0)} tx/s, ${tx.attempts - transactions} retries`,
    );
    console.log(
      JSON.stringify({
        uncontended_commits_per_s: Math.round(commitsPerSecond),
        p50_ms: Number(p50.toFixed(3)),
        p99_ms: Number(p99.toFixed(3)),
        contended_tx_per_s: Math.round(txPerSecond),
      }),
    );
  } finally {
    await deleteApp(app);
    const exited = new Promise<void>((resolve) => emulator.once('exit', () => resolve()));
    emulator.kill('SIGINT');
    await exited;
  }
}

const run = options.worker === undefined ? main() : worker(options.worker);
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
