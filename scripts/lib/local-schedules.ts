/**
 * What Cloud Scheduler does in production and the emulator suite does not: runs a job of the
 * functions on a timer while `npm start` is up. Each run is a child process (an npm script that
 * calls the function's code against the emulators); its output is shown only when it did
 * something or failed, so a quiet stack stays quiet.
 */
import { execFile } from 'node:child_process';
import { repoRoot } from './paths.js';

export interface LocalSchedule {
  name: string;
  everyMs: number;
  /** An npm script of the repository. */
  script: string;
  /** A summary line (the last of the output) that means the run had nothing to do. */
  idle: RegExp;
}

export function startLocalSchedules(schedules: readonly LocalSchedule[]): () => void {
  const timers = schedules.map((schedule) => {
    let running = false;
    return setInterval(() => {
      if (running) return;
      running = true;
      execFile('npm', ['run', '--silent', schedule.script], { cwd: repoRoot }, (error, stdout, stderr) => {
        running = false;
        // stderr carries the SDKs' warnings, and stdout the job's log events before its summary,
        // its last line: that is what is shown, unless it says the run had nothing to do.
        const output = stdout.trim().split('\n').at(-1) ?? '';
        if (error !== null)
          console.error(`${schedule.name}: failed: ${`${output}\n${stderr}`.trim() || error.message}`);
        else if (output !== '' && !schedule.idle.test(output)) console.log(`${schedule.name}: ${output}`);
      });
    }, schedule.everyMs);
  });
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
