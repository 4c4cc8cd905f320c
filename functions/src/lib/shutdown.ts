/**
 * Work an instance does when Cloud Run stops it: 2nd gen sends SIGTERM and allows 10 s before
 * SIGKILL. Every task runs at once and the process ends when all are done or SHUTDOWN_MS has
 * passed, whichever comes first.
 */
export const SHUTDOWN_MS = 8_000;

const tasks: (() => Promise<void>)[] = [];
let listening = false;

export function onShutdown(task: () => Promise<void>): void {
  tasks.push(task);
  if (listening) return;
  listening = true;
  process.once('SIGTERM', () => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_MS);
    });
    const all = Promise.allSettled(tasks.map((run) => run()));
    void Promise.race([all, deadline]).then(() => {
      clearTimeout(timer);
      // Nobody else handles SIGTERM: restore the default, which ends the process.
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
    });
  });
}
