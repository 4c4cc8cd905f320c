/**
 * `npm start`: build, start the emulator suite (and the Stripe stand-in unless real Stripe is
 * configured), seed the demo account, print where to go, and stop everything on Ctrl-C.
 * Emulator data is kept in .emulator-data/ between runs.
 */
import path from 'node:path';
import { startEmulatorSuite, type EmulatorSuite } from './lib/emulator-suite.js';
import { repoRoot } from './lib/paths.js';
import { run } from './lib/processes.js';
import { prepareStripeSecrets, startStripeStandIn, type RunningStandIn } from './lib/stripe.js';

const dataDir = path.join(repoRoot, '.emulator-data');

async function main(): Promise<number> {
  console.log('Building the functions, the tools and the dashboard…');
  if ((await run('npm', ['run', '--silent', 'build'], { cwd: repoRoot })) !== 0) return 1;

  const stripeMode = prepareStripeSecrets();
  console.log('Starting the emulator suite…');
  const suite = await startEmulatorSuite({ dataDir });
  Object.assign(process.env, suite.env);

  let standIn: RunningStandIn | undefined;
  let stopping = false;
  const stopAll = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping (saving emulator data to .emulator-data/)…');
    await standIn?.stop();
    await suite.stop();
  };

  try {
    if (stripeMode.kind === 'stand-in') {
      standIn = await startStripeStandIn({
        webhookUrl: `${suite.env.KEYMETER_HOSTING_URL}/stripe/webhook`,
        webhookSecret: stripeMode.webhookSecret,
        dataFile: path.join(dataDir, 'stripe-stand-in.json'),
      });
      console.log(`Stripe: no Stripe key configured, so billing uses the local stand-in at ${standIn.url}.`);
    } else {
      console.log(`Stripe: real Stripe test mode (${stripeMode.reason}).`);
    }

    const { seedDemo } = await import('./seed-demo.js');
    const demo = await seedDemo();
    printWelcome(suite, demo);
  } catch (error) {
    await stopAll();
    throw error;
  }

  return new Promise<number>((resolve) => {
    process.once('SIGINT', () => void stopAll().then(() => resolve(0)));
    process.once('SIGTERM', () => void stopAll().then(() => resolve(0)));
    void suite.exited.then((code) => {
      if (stopping) return;
      console.error(`The emulator suite stopped unexpectedly (code ${code}); see ${suite.logFile}.`);
      void stopAll().then(() => resolve(1));
    });
  });
}

function printWelcome(suite: EmulatorSuite, demo: { email: string; demoKey?: string }): void {
  const hosting = suite.env.KEYMETER_HOSTING_URL ?? '';
  console.log(`
Keymeter is running.

  Dashboard   ${hosting}/dashboard
              Sign in with Google (or GitHub): the emulator's account chooser lists
              "${demo.email}" — pick it to see the demo account's keys and 90 days of usage.
  API         ${hosting}/v1/...${
    demo.demoKey === undefined
      ? ''
      : `\n              curl -H "Authorization: Bearer ${demo.demoKey}" ${hosting}/v1/time`
  }
  Logs        ${suite.logFile}

Press Ctrl-C to stop; data is kept in .emulator-data/ for the next start.`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
