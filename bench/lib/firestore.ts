/**
 * The benchmark's Firestore: a private instance of tools/firestore-emulator in a child process
 * (its own core, and operation counts nobody else adds to), or the one at
 * BENCH_FIRESTORE_EMULATOR_HOST when given. Operations are counted by the emulator
 * (`GET /keymeter/v1/stats`), billed the way Firestore bills them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const cli = path.join(root, 'tools', 'firestore-emulator', 'lib', 'cli.js');

export interface OpCounts {
  reads: number;
  writes: number;
  deletes: number;
}

export interface BenchFirestore {
  address: string;
  stats(): Promise<OpCounts>;
  resetStats(): Promise<void>;
  stop(): Promise<void>;
}

/** What the emulator counted: documents read, written and deleted, and calls per RPC. */
export async function emulatorStats(address: string): Promise<OpCounts & { rpcs: Record<string, number> }> {
  const response = await fetch(`http://${address}/keymeter/v1/stats`);
  if (!response.ok)
    throw new Error(`GET /keymeter/v1/stats answered ${response.status}: is this Keymeter's emulator?`);
  return (await response.json()) as OpCounts & { rpcs: Record<string, number> };
}

export async function resetEmulatorStats(address: string): Promise<void> {
  const response = await fetch(`http://${address}/keymeter/v1/stats`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /keymeter/v1/stats answered ${response.status}`);
}

export interface EmulatorProcess {
  /** host:port it listens on. */
  address: string;
  pid: number;
  stop(): Promise<void>;
}

/** Builds tools/firestore-emulator when its output is missing, or always with `rebuild`. */
export function buildEmulator(options: { rebuild?: boolean } = {}): void {
  if (options.rebuild !== true && existsSync(cli)) return;
  const build = spawnSync('npm', ['run', 'build', '-w', 'tools/firestore-emulator'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('could not build tools/firestore-emulator');
}

/**
 * Starts the emulator in a child process on a port it picks itself (it prints `API endpoint:
 * http://host:port`). `wrap` may put a command in front of node, e.g. `taskset` to pin it to a
 * core, as long as that command execs node (so the child's pid is the emulator's).
 */
export async function spawnFirestoreEmulator(
  options: { nodeArgs?: string[]; wrap?: (command: string, args: string[]) => [string, string[]] } = {},
): Promise<EmulatorProcess> {
  buildEmulator();
  const args = [
    ...(options.nodeArgs ?? []),
    cli,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--log_level',
    'warn',
  ];
  const [command, argv] = options.wrap?.(process.execPath, args) ?? [process.execPath, args];
  // Its banner goes to stdout (read for the port); warnings and errors still show on stderr.
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const endpoint = /API endpoint: http:\/\/(\S+)/.exec(output)?.[1];
      if (endpoint !== undefined && output.includes('Dev App Server is now running.')) resolve(endpoint);
    });
    child.once('exit', (code) =>
      reject(new Error(`the emulator exited (${code}) before it was ready:\n${output}`)),
    );
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the emulator has no pid');
  return {
    address,
    pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function waitUntilUp(address: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://${address}/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no Firestore emulator at ${address} after 30 s`);
}

function client(address: string, stop: () => Promise<void>): BenchFirestore {
  return {
    address,
    stats: () => emulatorStats(address),
    resetStats: () => resetEmulatorStats(address),
    stop,
  };
}

export async function startBenchFirestore(): Promise<BenchFirestore> {
  const given = process.env.BENCH_FIRESTORE_EMULATOR_HOST;
  if (given !== undefined && given !== '') {
    await waitUntilUp(given);
    return client(given, async () => undefined);
  }
  const emulator = await spawnFirestoreEmulator();
  return client(emulator.address, emulator.stop);
}
