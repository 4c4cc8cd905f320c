/**
 * Runs the monthly close for one period against the running emulator suite, the same job the
 * `closeMonth` scheduled function runs in production (the emulator does not fire schedules):
 *
 *   npm run close-month -- 2026-10      (default: the previous month)
 */
import { closeMonth } from '../functions/src/usage/close-month.js';
import { periodSchema, previousPeriod, utcPeriod } from '../functions/src/shared/dates.js';
import { emulatorConfig } from './lib/emulator-suite.js';
import { PROJECT_ID } from './lib/paths.js';

async function main(): Promise<number> {
  const argument = process.argv[2] ?? previousPeriod(utcPeriod(new Date()));
  const period = periodSchema.safeParse(argument);
  if (!period.success) {
    console.error(`usage: npm run close-month -- YYYY-MM   (got "${argument}")`);
    return 2;
  }
  const config = emulatorConfig();
  process.env.GCLOUD_PROJECT ??= PROJECT_ID;
  process.env.FIRESTORE_EMULATOR_HOST ??= `${config.firestore.host}:${config.firestore.port}`;
  const result = await closeMonth(period.data);
  console.log(
    `Closed ${result.period}: monthly totals for ${result.accounts} account(s), ${result.keys_reset} key(s) moved to the next period.`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
