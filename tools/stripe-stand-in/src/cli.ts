#!/usr/bin/env node
import { runCli } from './cli/commands.js';

const result = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  env: process.env,
  fetch,
});

if (result.kind === 'exit') {
  process.exitCode = result.code;
} else {
  const { standIn } = result;
  const stop = (signal: NodeJS.Signals): void => {
    standIn.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`stripe-stand-in: error while stopping on ${signal}: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
