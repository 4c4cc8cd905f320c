import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { stopProcess } from './processes.js';

/**
 * Alert emails on this machine go to a mail catcher (MailDev, from npm): an SMTP server that
 * keeps every message and shows it at its web address, and answers its API (`GET /api/email`)
 * for tests. The functions find it through the `SMTP_URL` secret in functions/.secret.local.
 */
export const MAIL_CATCHER_HOST = '127.0.0.1';
export const MAIL_CATCHER_SMTP_PORT = 1025;
export const MAIL_CATCHER_WEB_PORT = 1080;
export const MAIL_CATCHER_SMTP_URL = `smtp://${MAIL_CATCHER_HOST}:${MAIL_CATCHER_SMTP_PORT}`;
const secretFile = path.join(repoRoot, 'functions', '.secret.local');

export type MailMode = { kind: 'catcher' } | { kind: 'smtp'; reason: string };

/**
 * Points SMTP_URL at the catcher unless the developer set another SMTP server there. Run after
 * the Stripe secrets are prepared (they rewrite the file, keeping other lines).
 */
export function prepareMailSecret(): MailMode {
  const text = existsSync(secretFile) ? readFileSync(secretFile, 'utf8') : '';
  const current = /^\s*SMTP_URL\s*=\s*(.*?)\s*$/m.exec(text)?.[1];
  if (current !== undefined && current !== MAIL_CATCHER_SMTP_URL)
    return { kind: 'smtp', reason: `SMTP_URL in ${path.relative(repoRoot, secretFile)}` };
  if (current === undefined) {
    const separator = text === '' || text.endsWith('\n') ? '' : '\n';
    const line = `# Alert emails go to the local mail catcher (npm start prints its address).\nSMTP_URL=${MAIL_CATCHER_SMTP_URL}\n`;
    writeFileSync(secretFile, `${text}${separator}${line}`, { mode: 0o600 });
  }
  return { kind: 'catcher' };
}

export interface RunningMailCatcher {
  /** Where its API answers (`GET /api/email`). */
  url: string;
  /** Its web page of messages: maildev 3.0.0 serves it at /index.html, and `/` answers 404. */
  inbox: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startMailCatcher(): Promise<RunningMailCatcher> {
  const args = [
    path.join(repoRoot, 'node_modules/maildev/dist/bin/maildev.js'),
    '--ip',
    MAIL_CATCHER_HOST,
    '--smtp',
    String(MAIL_CATCHER_SMTP_PORT),
    '--web-ip',
    MAIL_CATCHER_HOST,
    '--web',
    String(MAIL_CATCHER_WEB_PORT),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the mail catcher');
  const url = `http://${MAIL_CATCHER_HOST}:${MAIL_CATCHER_WEB_PORT}`;
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 100_000) output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await fetch(`${url}/api/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (exitCode !== undefined || Date.now() > deadline) {
      await stopProcess(pid, { signal: 'SIGTERM', timeoutMs: 5_000, group: false });
      throw new Error(
        exitCode === undefined
          ? `the mail catcher did not start within 30 s:\n${output}`
          : `the mail catcher exited (code ${exitCode}):\n${output}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    inbox: `${url}/index.html`,
    env: { KEYMETER_MAIL_CATCHER_URL: url },
    stop: () => stopProcess(pid, { signal: 'SIGTERM', timeoutMs: 5_000, group: false }),
  };
}
