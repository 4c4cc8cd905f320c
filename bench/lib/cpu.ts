/** CPU time of processes, so a run on a shared machine can tell its own work from the load. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** User + system CPU seconds of a process (all its threads), from /proc; undefined elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU seconds used by this process and by `pid` between `start()` and the returned function's call. */
export function cpuMeter(pid: number): () => { self: number; other: number | undefined } {
  const self = process.cpuUsage();
  const other = processCpuSeconds(pid);
  return () => {
    const used = process.cpuUsage(self);
    const after = processCpuSeconds(pid);
    return {
      self: (used.user + used.system) / 1e6,
      other: other === undefined || after === undefined ? undefined : after - other,
    };
  };
}
