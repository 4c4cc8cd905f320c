/**
 * Reports the overage of the last days to Stripe's billing meter against the running emulator
 * suite, the same job the hourly `reportOverage` scheduled function runs in production (the
 * emulator does not fire schedules):
 *
 *   npm run report-overage
 *
 * It reads the functions' parameters as the Functions emulator does (functions/.env.demo-keymeter,
 * then functions/.env.local, and the Stripe key from functions/.secret.local), so it talks to
 * whichever Stripe the functions talk to: the local stand-in unless real Stripe is configured.
 * Running it again reports only what is new; nothing is ever billed twice.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseReporterConfig } from '../functions/src/billing/config.js';
import { reportOverage } from '../functions/src/billing/overage-reporter.js';
import { stripeClient } from '../functions/src/billing/stripe-client.js';
import { useLocalEmulators } from './lib/emulator-suite.js';
import { PROJECT_ID, repoRoot } from './lib/paths.js';

function dotenv(file: string): Record<string, string> {
  const full = path.join(repoRoot, 'functions', file);
  if (!existsSync(full)) return {};
  return Object.fromEntries(
    readFileSync(full, 'utf8')
      .split('\n')
      .flatMap((line) => {
        const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
        return match?.[1] === undefined || match[2] === undefined ? [] : [[match[1], match[2]] as const];
      }),
  );
}

async function main(): Promise<number> {
  const params = {
    ...dotenv(`.env.${PROJECT_ID}`),
    ...dotenv('.env.local'),
    ...dotenv('.secret.local'),
  };
  const config = parseReporterConfig(params);
  if (!config.ok) {
    console.error(`Billing is not configured for the reporter:\n  ${config.problems.join('\n  ')}`);
    return 1;
  }
  useLocalEmulators();
  const run = await reportOverage({
    stripe: stripeClient(config.config),
    eventName: config.config.meterEventName,
  });
  console.log(
    `Overage: ${run.reported} meter event(s) sent (${run.resent} of them pending from an earlier run), ` +
      `${run.failed} left for the next run, ${run.abandoned} day(s) too old to bill; ${run.days_read} day(s) read.`,
  );
  return run.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
