/**
 * The emulator suite with the right Firestore emulator plugged in:
 *   npm run emulators -- start            run until Ctrl-C
 *   npm run emulators -- exec "<command>"  start, run the command against the suite, stop
 * The functions and the dashboard must be built first (`npm run build`).
 */
import { startEmulatorSuite } from './lib/emulator-suite.js';
import { run } from './lib/processes.js';

async function main(): Promise<number> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode !== 'start' && mode !== 'exec') {
    console.error('usage: npm run emulators -- start | exec "<command>"');
    return 2;
  }
  if (mode === 'exec' && rest.length === 0) {
    console.error('usage: npm run emulators -- exec "<command>"');
    return 2;
  }

  const suite = await startEmulatorSuite({ echo: mode === 'start' ? process.stdout : undefined });
  console.log(`Emulator suite ready (log: ${suite.logFile}).`);
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return code;
    stopping = true;
    await suite.stop();
    return code;
  };

  if (mode === 'start') {
    return new Promise<number>((resolve) => {
      const onSignal = () => void stop(0).then(resolve);
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      void suite.exited.then((code) => void stop(code ?? 1).then(resolve));
    });
  }

  const command = rest.join(' ');
  const code = await run(command, [], { shell: true, env: { ...process.env, ...suite.env } });
  return stop(code);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
