/**
 * The benchmark's Firestore: a private instance of tools/firestore-emulator in a child process
 * (its own core, and operation counts nobody else adds to), or the one at
 * BENCH_FIRESTORE_EMULATOR_HOST when given. Operations are counted by the emulator
 * (`GET /keymeter/v1/stats`), billed the way Firestore bills them.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(address: string, child: ChildProcess | undefined): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child?.exitCode !== null && child?.exitCode !== undefined)
      throw new Error('the Firestore emulator exited');
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
    async stats() {
      const response = await fetch(`http://${address}/keymeter/v1/stats`);
      if (!response.ok)
        throw new Error(`GET /keymeter/v1/stats answered ${response.status}: is this Keymeter's emulator?`);
      const body = (await response.json()) as OpCounts;
      return { reads: body.reads, writes: body.writes, deletes: body.deletes };
    },
    async resetStats() {
      const response = await fetch(`http://${address}/keymeter/v1/stats`, { method: 'DELETE' });
      if (!response.ok) throw new Error(`DELETE /keymeter/v1/stats answered ${response.status}`);
    },
    stop,
  };
}

export async function startBenchFirestore(): Promise<BenchFirestore> {
  const given = process.env.BENCH_FIRESTORE_EMULATOR_HOST;
  if (given !== undefined && given !== '') {
    await waitUntilUp(given, undefined);
    return client(given, async () => undefined);
  }
  if (!existsSync(cli)) {
    const build = spawnSync('npm', ['run', 'build', '-w', 'tools/firestore-emulator'], {
      cwd: root,
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('could not build tools/firestore-emulator');
  }
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [cli, '--host', '127.0.0.1', '--port', String(port), '--log_level', 'warn'],
    {
      // Its banner goes to stdout; warnings and errors still show on stderr.
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const address = `127.0.0.1:${port}`;
  await waitUntilUp(address, child);
  return client(address, async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  });
}
