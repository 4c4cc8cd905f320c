/**
 * The local stack (emulator suite with the right Firestore emulator, and the Stripe stand-in
 * unless real Stripe is configured), for development and for running one test file:
 *   npm run emulators -- start            run until Ctrl-C
 *   npm run emulators -- exec "<command>"  start, run the command against the stack, stop
 * The functions and the dashboard must be built first (`npm run build`).
 */
import { startLocalStack } from './lib/local-stack.js';
import { onShutdownSignal, run } from './lib/processes.js';

async function main(): Promise<number> {
  const [mode, ...rest] = process.argv.slice(2);
  if ((mode !== 'start' && mode !== 'exec') || (mode === 'exec' && rest.length === 0)) {
    console.error('usage: npm run emulators -- start | exec "<command>"');
    return 2;
  }
  // Registered first: a Ctrl-C at any point must stop whatever has started, never orphan it.
  const interrupted = new AbortController();
  const shutdown = new Promise<number>((resolve) =>
    onShutdownSignal(() => {
      interrupted.abort();
      resolve(130);
    }),
  );

  const stack = await startLocalStack({
    echo: mode === 'start' ? process.stdout : undefined,
    abortSignal: interrupted.signal,
  });
  console.log(`Emulator suite ready (log: ${stack.suite.logFile}).`);
  const code = await Promise.race([
    shutdown,
    stack.suite.exited.then((exitCode) => exitCode ?? 1),
    ...(mode === 'exec'
      ? [run(rest.join(' '), [], { shell: true, env: { ...process.env, ...stack.env } })]
      : []),
  ]);
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
