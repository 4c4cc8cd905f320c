/**
 * `npm start`: build, start the emulator suite (and the Stripe stand-in unless real Stripe is
 * configured), seed the demo account, print where to go, and stop everything on Ctrl-C.
 * Emulator data is kept in .emulator-data/ between runs.
 */
import path from 'node:path';
import { startLocalSchedules } from './lib/local-schedules.js';
import { startLocalStack, type LocalStack } from './lib/local-stack.js';
import { repoRoot } from './lib/paths.js';
import { onShutdownSignal, run } from './lib/processes.js';

const dataDir = path.join(repoRoot, '.emulator-data');
/** The emulator suite fires no schedules: the overage reporter and webhook retries run this often. */
const SCHEDULES_EVERY_MS = 60_000;

async function main(): Promise<number> {
  // Registered first: a Ctrl-C at any point must stop whatever has started, never orphan it.
  const interrupted = new AbortController();
  const shutdown = new Promise<number>((resolve) =>
    onShutdownSignal(() => {
      interrupted.abort();
      resolve(0);
    }),
  );

  console.log('Building the functions, the tools and the dashboard…');
  if ((await run('npm', ['run', '--silent', 'build'], { cwd: repoRoot })) !== 0) return 1;
  if (interrupted.signal.aborted) return 130;

  console.log('Starting the emulator suite…');
  const stack = await startLocalStack({
    dataDir,
    standInDataFile: path.join(dataDir, 'stripe-stand-in.json'),
    abortSignal: interrupted.signal,
  });
  Object.assign(process.env, stack.env);
  console.log(
    stack.standIn === undefined
      ? `Stripe: real Stripe test mode (${stack.stripe.kind === 'stripe' ? stack.stripe.reason : ''}).`
      : `Stripe: no Stripe key configured, so billing uses the local stand-in at ${stack.standIn.url}.`,
  );
  console.log(
    stack.mailCatcher === undefined
      ? `Mail: alert emails go to your SMTP server (${stack.mail.kind === 'smtp' ? stack.mail.reason : ''}).`
      : `Mail: alert emails go to the local mail catcher; read them at ${stack.mailCatcher.inbox}.`,
  );

  try {
    const { seedDemo } = await import('./seed-demo.js');
    printWelcome(stack, await seedDemo());
  } catch (error) {
    await stack.stop();
    throw error;
  }

  // The hourly overage report, every minute here, so the upcoming invoice shows overage soon;
  // and the webhook retries, every minute as when deployed.
  const stopSchedules = startLocalSchedules([
    {
      name: 'reportOverage',
      everyMs: SCHEDULES_EVERY_MS,
      script: 'report-overage',
      idle: /^Overage: 0 meter event\(s\) sent .* 0 left for the next run/,
    },
    {
      name: 'retryWebhookDeliveries',
      everyMs: SCHEDULES_EVERY_MS,
      script: 'retry-webhooks',
      idle: /^Webhooks: 0 due delivery/,
    },
  ]);

  let stopping = false;
  const code = await Promise.race([
    shutdown,
    stack.suite.exited.then((exitCode) => {
      if (stopping) return 0;
      console.error(
        `The emulator suite stopped unexpectedly (code ${exitCode}); see ${stack.suite.logFile}.`,
      );
      return 1;
    }),
  ]);
  stopping = true;
  stopSchedules();
  console.log('\nStopping (saving emulator data to .emulator-data/)…');
  await stack.stop();
  return code;
}

function printWelcome(stack: LocalStack, demo: { email: string; demoKey?: string }): void {
  const hosting = stack.env.KEYMETER_HOSTING_URL ?? '';
  console.log(`
Keymeter is running.

  Dashboard   ${hosting}/dashboard
              Continue with Google (or GitHub) and pick "${demo.email}" in the emulator's
              account chooser: its keys, 90 days of usage and a Pro subscription to manage.
              Add a new account there to start on Free and upgrade.
  API         ${hosting}/v1/...${
    demo.demoKey === undefined
      ? ''
      : `\n              curl -H "Authorization: Bearer ${demo.demoKey}" ${hosting}/v1/time`
  }
  Mail        ${stack.mailCatcher?.inbox ?? 'your SMTP server (SMTP_URL in functions/.secret.local)'}
              every alert email (Alerts page: thresholds, recipients, webhooks)
  Overage     reported to Stripe's billing meter every minute here (hourly when deployed),
              so it shows on Billing's upcoming invoice; \`npm run report-overage\` at once
  Webhooks    failed alert webhooks retried every minute (\`npm run retry-webhooks\`)
  Logs        ${stack.suite.logFile}

Press Ctrl-C to stop; data is kept in .emulator-data/ for the next start.`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
