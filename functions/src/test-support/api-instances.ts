/**
 * Several `api` instances as separate processes (api-instance.ts), each with its own cache, for
 * behaviour that must hold across instances. The Functions emulator cannot be used for that: it
 * picks a worker per request, so a test cannot aim a call at one instance, and it runs with the
 * emulator's short cache life, which would hide what production does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PROJECT_ID } from './emulators.js';

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'api-instance.ts');
const START_TIMEOUT_MS = 30_000;

const metricsSchema = z
  .object({
    awaitedRoundTrips: z.number(),
    keyReads: z.number(),
    flushesAwaited: z.number(),
    revocationChecks: z.number(),
    revocationWaits: z.number(),
    unknownKeyReads: z.number(),
    keyFailuresThrottled: z.number(),
  })
  // Counters added to keyCheckMetrics later reach the benchmark without a change here.
  .catchall(z.number());
export type InstanceMetrics = z.infer<typeof metricsSchema>;

const messageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('listening'), port: z.number().int().positive() }),
  z.object({ type: z.literal('metrics'), metrics: metricsSchema }),
  z.object({ type: z.literal('latency'), buckets: z.array(z.number().int().nonnegative()) }),
  z.object({ type: z.literal('latencyReset') }),
]);

export interface ApiInstance {
  /** `http://127.0.0.1:<port>`; the API is under `/v1`. */
  url: string;
  /** A `/v1` call with the key in `Authorization: Bearer`, as if from `forwardedFor`'s client. */
  call(key: string, options?: { path?: string; forwardedFor?: string }): Promise<Response>;
  metrics(): Promise<InstanceMetrics>;
  /** Its addedLatency histogram (lib/metrics.ts): admitted calls since start or `resetLatency`. */
  latency(): Promise<number[]>;
  /** Zeroes that histogram; resolves once the instance has done so. */
  resetLatency(): Promise<void>;
  /** SIGSTOP / SIGCONT: an instance whose CPU the platform throttled between requests. */
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
  /** What it printed, for a failing test's message. */
  output(): string;
}

function childEnv(firestoreHost: string | undefined, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name !== 'FUNCTIONS_EMULATOR' && value !== undefined) env[name] = value;
  }
  env.GCLOUD_PROJECT = PROJECT_ID;
  if (firestoreHost !== undefined) env.FIRESTORE_EMULATOR_HOST = firestoreHost;
  return { ...env, ...extra };
}

/**
 * `firestoreHost`: reach Firestore through a relay (startFirestoreRelay) instead of directly.
 * `env`: added to the instance's environment, e.g. KEYMETER_BENCH_LIMITS (api-instance.ts).
 */
export async function startApiInstance(
  options: { firestoreHost?: string; env?: Record<string, string> } = {},
): Promise<ApiInstance> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ENTRY], {
    env: childEnv(options.firestoreHost, options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // One queue per kind of answer: the instance answers each kind in the order it was asked.
  const waiting: ((metrics: InstanceMetrics) => void)[] = [];
  const waitingLatency: ((buckets: number[]) => void)[] = [];
  const waitingReset: (() => void)[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`api instance did not start:\n${output}`)),
      START_TIMEOUT_MS,
    );
    child.on('exit', (code) => reject(new Error(`api instance exited with ${code}:\n${output}`)));
    child.on('message', (raw) => {
      const message = messageSchema.parse(raw);
      if (message.type === 'listening') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'metrics') {
        waiting.shift()?.(message.metrics);
      } else if (message.type === 'latency') {
        waitingLatency.shift()?.(message.buckets);
      } else {
        waitingReset.shift()?.();
      }
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    call: (key, options = {}) =>
      fetch(`${url}/v1${options.path ?? '/time'}`, {
        headers: {
          authorization: `Bearer ${key}`,
          ...(options.forwardedFor === undefined ? {} : { 'x-forwarded-for': options.forwardedFor }),
        },
      }),
    metrics: () =>
      new Promise<InstanceMetrics>((resolve) => {
        waiting.push(resolve);
        child.send('metrics');
      }),
    latency: () =>
      new Promise<number[]>((resolve) => {
        waitingLatency.push(resolve);
        child.send('latency');
      }),
    resetLatency: () =>
      new Promise<void>((resolve) => {
        waitingReset.push(resolve);
        child.send('resetLatency');
      }),
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited;
    },
    output: () => output,
  };
}

const statsSchema = z.object({ reads: z.number(), rpcs: z.record(z.string(), z.number()) });

/**
 * What Keymeter's Firestore emulator has counted so far: documents read (billed as Firestore
 * bills: an empty query is one read) and calls per RPC. Key lookups and revocation checks are
 * `RunQuery` calls; nothing else on the API's path queries.
 */
export async function firestoreOperations(): Promise<{
  reads: number;
  queries: number;
  rpcs: Record<string, number>;
}> {
  const response = await fetch(`http://${process.env.FIRESTORE_EMULATOR_HOST ?? ''}/keymeter/v1/stats`);
  if (!response.ok)
    throw new Error("this test counts reads with Keymeter's Firestore emulator (GET /keymeter/v1/stats)");
  const stats = statsSchema.parse(await response.json());
  return { reads: stats.reads, queries: stats.rpcs.RunQuery ?? 0, rpcs: stats.rpcs };
}

export interface FirestoreRelay {
  /** host:port to give an instance as its FIRESTORE_EMULATOR_HOST. */
  host: string;
  /** Keeps everything Firestore sends back (listener pushes, query answers) until `release`. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/**
 * A TCP relay to the stack's Firestore that can hold back what Firestore sends. It stands for
 * what a throttled instance sees when it wakes: whatever its listener would have received while
 * it slept is not yet processed when the request that woke it runs.
 */
export async function startFirestoreRelay(): Promise<FirestoreRelay> {
  const [targetHost = '127.0.0.1', targetPort = '8080'] = (process.env.FIRESTORE_EMULATOR_HOST ?? '').split(
    ':',
  );
  let holding = false;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (holding) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', close);
      socket.on('close', close);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of held.splice(0)) send();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
