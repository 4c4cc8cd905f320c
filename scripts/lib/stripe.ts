import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { stopProcess } from './processes.js';

/**
 * Billing in the emulator suite talks to the local Stripe stand-in unless the developer put real
 * Stripe test-mode secrets in functions/.secret.local (see README, "Billing").
 */
export const STAND_IN_HOST = '127.0.0.1';
export const STAND_IN_PORT = 12111;
export const STAND_IN_SECRET_KEY = 'sk_test_keymeter_stand_in';
const secretFile = path.join(repoRoot, 'functions', '.secret.local');
const localEnvFile = path.join(repoRoot, 'functions', '.env.local');
/** The parameters functions/.env.demo-keymeter sets for the stand-in. */
const REAL_STRIPE_PARAMS = [
  'STRIPE_API_BASE_URL',
  'STRIPE_PRICE_PRO',
  'STRIPE_PRICE_ENTERPRISE',
  'STRIPE_PRICE_PRO_OVERAGE',
  'STRIPE_PRICE_ENTERPRISE_OVERAGE',
  'STRIPE_METER_EVENT_NAME',
  'STRIPE_PRICE_CREDITS_10K',
  'STRIPE_PRICE_CREDITS_100K',
] as const;

export type StripeMode = { kind: 'stand-in'; webhookSecret: string } | { kind: 'stripe'; reason: string };

function readDotenv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const entries = readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line))
    .flatMap((match) =>
      match?.[1] === undefined || match[2] === undefined ? [] : [[match[1], match[2]] as const],
    );
  return Object.fromEntries(entries);
}

/**
 * The functions emulator reads secrets from functions/.secret.local. Without Stripe secrets there,
 * write the stand-in's (a fresh webhook secret each time the file is created).
 */
export function prepareStripeSecrets(): StripeMode {
  const secrets = readDotenv(secretFile);
  const key = secrets.STRIPE_SECRET_KEY;
  const webhookSecret = secrets.STRIPE_WEBHOOK_SECRET;
  if (key !== undefined && key !== STAND_IN_SECRET_KEY) {
    // functions/.env.demo-keymeter points billing at the stand-in; real Stripe needs overrides.
    const overrides = readDotenv(localEnvFile);
    const missing = REAL_STRIPE_PARAMS.filter((name) => overrides[name] === undefined);
    const hint =
      missing.length === 0
        ? ''
        : `; set ${missing.join(', ')} in ${path.relative(repoRoot, localEnvFile)} ` +
          '(STRIPE_API_BASE_URL empty, your price ids), or billing still calls the stand-in';
    return { kind: 'stripe', reason: `STRIPE_SECRET_KEY in ${path.relative(repoRoot, secretFile)}${hint}` };
  }
  if (key === STAND_IN_SECRET_KEY && webhookSecret !== undefined && webhookSecret !== '') {
    return { kind: 'stand-in', webhookSecret };
  }
  const fresh = `whsec_${randomBytes(24).toString('base64url')}`;
  const kept = Object.entries(secrets).filter(([name]) => !name.startsWith('STRIPE_'));
  const lines = [
    '# Written by npm start / npm test for the local Stripe stand-in (tools/stripe-stand-in).',
    '# Replace with real Stripe test-mode secrets to use Stripe itself (README, "Billing").',
    `STRIPE_SECRET_KEY=${STAND_IN_SECRET_KEY}`,
    `STRIPE_WEBHOOK_SECRET=${fresh}`,
    ...kept.map(([name, value]) => `${name}=${value}`),
  ];
  writeFileSync(secretFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { kind: 'stand-in', webhookSecret: fresh };
}

export interface RunningStandIn {
  url: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStripeStandIn(options: {
  webhookUrl: string;
  webhookSecret: string;
  dataFile?: string;
  echo?: NodeJS.WritableStream;
}): Promise<RunningStandIn> {
  const args = [
    path.join(repoRoot, 'tools/stripe-stand-in/lib/cli.js'),
    'serve',
    '--host',
    STAND_IN_HOST,
    '--port',
    String(STAND_IN_PORT),
    '--webhook-url',
    options.webhookUrl,
    '--webhook-secret',
    options.webhookSecret,
    ...(options.dataFile === undefined ? [] : ['--data-file', options.dataFile]),
  ];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not start the Stripe stand-in');
  const url = `http://${STAND_IN_HOST}:${STAND_IN_PORT}`;

  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`the Stripe stand-in did not start:\n${output}`)),
      30_000,
    );
    const onData = (chunk: Buffer) => {
      options.echo?.write(chunk);
      output += chunk.toString('utf8');
      if (output.includes(url)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Stripe stand-in exited (code ${code}):\n${output}`));
    });
  });

  return {
    url,
    env: { KEYMETER_STRIPE_STAND_IN_URL: url, STRIPE_STAND_IN_SECRET_KEY: STAND_IN_SECRET_KEY },
    stop: () => stopProcess(pid, { signal: 'SIGTERM', timeoutMs: 5_000, group: false }),
  };
}
