import { spawn, type SpawnOptions } from 'node:child_process';

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Asks a process (or its whole group) to stop, then kills whatever is left after the timeout.
 * Resolves once nothing of it is alive.
 */
export async function stopProcess(
  pid: number,
  options: { signal: NodeJS.Signals; timeoutMs: number; group: boolean },
): Promise<void> {
  const target = options.group ? -pid : pid;
  const send = (signal: NodeJS.Signals) => {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  };
  send(options.signal);
  const deadline = Date.now() + options.timeoutMs;
  while (processIsAlive(pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The leader may be gone while members of its group (runtime workers) are not.
  send('SIGKILL');
}

/** Runs a command to completion, inheriting stdio; resolves with its exit code. */
export function run(command: string, args: readonly string[], options: SpawnOptions = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', ...options });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

/**
 * Calls `stop` once, on the first SIGINT, SIGTERM or SIGHUP. A terminal's Ctrl-C reaches the
 * whole foreground group (npm, tsx and this script), and tsx relays it once more, so later
 * signals must be absorbed: dying half-way would orphan the emulators.
 */
export function onShutdownSignal(stop: () => void): void {
  let stopping = false;
  const handle = () => {
    if (stopping) return;
    stopping = true;
    stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, handle);
}
