/**
 * Sends the alert webhooks whose next attempt is due, against the running emulator suite: the
 * job the `retryWebhookDeliveries` scheduled function runs every minute in production (the
 * emulator fires no schedules). `npm start` runs it every minute:
 *
 *   npm run retry-webhooks
 *
 * Webhook URLs on this machine (a receiver on localhost) are allowed here, as in the Functions
 * emulator; the deployed function refuses loopback and private addresses.
 */
import { runDueDeliveries } from '../functions/src/alerts/deliveries.js';
import { EMULATOR_POLICY } from '../functions/src/alerts/webhook-target.js';
import { useLocalEmulators } from './lib/emulator-suite.js';

async function main(): Promise<number> {
  useLocalEmulators();
  const run = await runDueDeliveries({ now: new Date(), policy: EMULATOR_POLICY });
  const { delivered, retry, failed } = run.outcomes;
  console.log(
    `Webhooks: ${run.attempted} due delivery(ies) attempted: ${delivered} delivered, ` +
      `${retry} to retry later, ${failed} given up.`,
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
