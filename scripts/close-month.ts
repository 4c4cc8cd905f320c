/**
 * Runs the monthly close for one period against the running emulator suite, the same job the
 * `closeMonth` scheduled function runs in production (the emulator does not fire schedules):
 *
 *   npm run close-month -- 2026-10      (default: the previous month)
 *
 * It runs until the period is closed, resuming a close that an earlier run left unfinished; a
 * period already closed is left as it is.
 */
import { closeMonth } from '../functions/src/usage/close-month.js';
import { periodSchema, previousPeriod, utcPeriod } from '../functions/src/shared/dates.js';
import { useLocalEmulators } from './lib/emulator-suite.js';

async function main(): Promise<number> {
  const argument = process.argv[2] ?? previousPeriod(utcPeriod(new Date()));
  const period = periodSchema.safeParse(argument);
  if (!period.success) {
    console.error(`usage: npm run close-month -- YYYY-MM   (got "${argument}")`);
    return 2;
  }
  useLocalEmulators();
  const result = await closeMonth(period.data);
  if (result.pages === 0) {
    console.log(`Closed ${result.period} already: nothing to do.`);
    return 0;
  }
  console.log(
    `Closed ${result.period}: monthly totals for ${result.accounts} account(s) (${result.monthly_written} written), ` +
      `${result.keys_reset} key(s) moved to the next period, in ${result.pages} page(s).`,
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
