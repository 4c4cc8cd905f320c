/**
 * One-off migration: computes `api_usage_platform_daily` for days folded before foldUsage kept
 * it, from the daily documents, so `GET /admin/stats` shows them. Idempotent (each day is
 * recomputed, never incremented) and safe while folds run (each day is one transaction that
 * serialises with that day's folds), so it can be run again or resumed from any day.
 *
 *   npx tsx scripts/backfill-platform-daily.ts [from] [to]     (YYYY-MM-DD; default: first usage → today)
 *
 * Against the running emulator suite by default; against production with
 * GOOGLE_APPLICATION_CREDENTIALS and GCLOUD_PROJECT set and FIRESTORE_EMULATOR_HOST unset, once
 * after deploying the functions that fold into the platform documents (days from the deploy
 * on are folded exactly; the deploy day itself is rebuilt exactly too).
 */
import { isoDateSchema, utcDate } from '../functions/src/shared/dates.js';
import { firstUsageDate, rebuildPlatformDays } from '../functions/src/usage/platform-daily.js';
import { useLocalEmulators } from './lib/emulator-suite.js';

async function main(): Promise<number> {
  const [fromArgument, toArgument] = process.argv.slice(2);
  for (const argument of [fromArgument, toArgument]) {
    if (argument !== undefined && !isoDateSchema.safeParse(argument).success) {
      console.error(
        `usage: npx tsx scripts/backfill-platform-daily.ts [YYYY-MM-DD] [YYYY-MM-DD]   (got "${argument}")`,
      );
      return 2;
    }
  }
  if (process.env.GOOGLE_APPLICATION_CREDENTIALS === undefined) useLocalEmulators();
  const from = fromArgument ?? (await firstUsageDate());
  const to = toArgument ?? utcDate(new Date());
  if (from === null) {
    console.log('No usage yet: nothing to backfill.');
    return 0;
  }
  const result = await rebuildPlatformDays(from, to);
  console.log(
    `Rebuilt the platform totals of ${result.days} day(s), ${from} to ${to}: ${result.requests} request(s).`,
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
