/**
 * The local stack (emulator suite with the right Firestore emulator, and the Stripe stand-in
 * unless real Stripe is configured), for development and for running one test file:
 *   npm run emulators -- start            run until Ctrl-C
 *   npm run emulators -- exec "<command>"  start, run the command against the stack, stop
 * The functions and the dashboard must be built first (`npm run build`).
 */
import { startLocalStack } from './lib/local-stack.js';
import { run } from './lib/processes.js';

async function main(): Promise<number> {
  const [mode, ...rest] = process.argv.slice(2);
  if ((mode !== 'start' && mode !== 'exec') || (mode === 'exec' && rest.length === 0)) {
    console.error('usage: npm run emulators -- start | exec "<command>"');
    return 2;
  }

  const stack = await startLocalStack({ echo: mode === 'start' ? process.stdout : undefined });
  console.log(`Emulator suite ready (log: ${stack.suite.logFile}).`);

  if (mode === 'start') {
    return new Promise<number>((resolve) => {
      const stop = (code: number) => void stack.stop().then(() => resolve(code));
      process.once('SIGINT', () => stop(0));
      process.once('SIGTERM', () => stop(0));
      void stack.suite.exited.then((code) => stop(code ?? 1));
    });
  }

  const code = await run(rest.join(' '), [], { shell: true, env: { ...process.env, ...stack.env } });
  await stack.stop();
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
