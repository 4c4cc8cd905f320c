#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KEYMETER_EMULATOR_NAME, startEmulator, type EmulatorOptions } from './emulator.js';
import { createLogger, type LogLevel } from './log.js';

/**
 * Command line, accepting exactly the arguments firebase-tools passes to the official jar
 * (Commands.firestore.optionalArgs in firebase-tools' downloadableEmulators.js), as
 * `--name value` or `--name=value`.
 */
const USAGE = `Usage: node tools/firestore-emulator/lib/cli.js [options]

  --host <host>                  address to listen on (default 127.0.0.1; "localhost" = 127.0.0.1 and ::1)
  --port <port>                  port for gRPC and REST (default 8080)
  --functions_emulator <h:p>     Functions emulator that receives Firestore trigger events
  --seed_from_export <file>      load an export's .overall_export_metadata file at startup
  --project_id <id>              the project of single-project mode and of seeded data
  --single_project_mode <bool>   warn about requests for other projects (true|false)
  --rules <file>                 accepted; security rules are not evaluated (Admin SDK access bypasses them)
  --websocket_port <port>        accepted and ignored (Emulator UI only)
  --webchannel_port <port>       accepted and ignored (web SDK WebChannel transport is not served)
  --database-edition <edition>   "standard" (default); "enterprise" is served as standard
  --log_level <level>            debug | info | warn | error (default info)
  --help                         show this help`;

const KNOWN = new Set([
  'host',
  'port',
  'functions_emulator',
  'seed_from_export',
  'project_id',
  'single_project_mode',
  'rules',
  'websocket_port',
  'webchannel_port',
  'database-edition',
  'log_level',
]);

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') {
      args.set('help', 'true');
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`Unexpected argument "${arg}".`);
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
    if (!KNOWN.has(name)) throw new UsageError(`Unknown flag --${name}.`);
    let value: string | undefined;
    if (equals !== -1) value = arg.slice(equals + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new UsageError(`Flag --${name} needs a value.`);
    args.set(name, value);
  }
  return args;
}

function port(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535)
    throw new UsageError(`--${flag} must be a port number (got "${value}").`);
  return parsed;
}

function bool(value: string, flag: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`--${flag} must be true or false (got "${value}").`);
}

export function optionsFromArgs(args: ReadonlyMap<string, string>, notes: string[]): EmulatorOptions {
  const logLevel = args.get('log_level') ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    throw new UsageError(`--log_level must be debug, info, warn or error.`);
  for (const flag of ['websocket_port', 'webchannel_port']) {
    const value = args.get(flag);
    if (value !== undefined) {
      port(value, flag);
      notes.push(`--${flag} ${value} ignored: the Keymeter emulator serves gRPC and REST only, on --port.`);
    }
  }
  const rules = args.get('rules');
  if (rules !== undefined)
    notes.push(
      `--rules ${rules} accepted; security rules are not evaluated (Admin SDK access bypasses them).`,
    );
  const edition = args.get('database-edition');
  if (edition !== undefined && edition !== 'standard') {
    if (edition !== 'enterprise')
      throw new UsageError(`--database-edition must be standard or enterprise (got "${edition}").`);
    notes.push(
      '--database-edition enterprise: served as the standard edition (pipeline queries are not emulated).',
    );
  }
  const host = args.get('host');
  const portValue = args.get('port');
  const functionsEmulator = args.get('functions_emulator');
  const seedFromExport = args.get('seed_from_export');
  const projectId = args.get('project_id');
  const singleProjectMode = args.get('single_project_mode');
  return {
    logLevel: logLevel as LogLevel,
    ...(host === undefined ? {} : { host }),
    ...(portValue === undefined ? {} : { port: port(portValue, 'port') }),
    ...(functionsEmulator === undefined ? {} : { functionsEmulator }),
    ...(seedFromExport === undefined ? {} : { seedFromExport }),
    ...(projectId === undefined ? {} : { projectId }),
    ...(singleProjectMode === undefined
      ? {}
      : { singleProjectMode: bool(singleProjectMode, 'single_project_mode') }),
  };
}

export async function main(argv: readonly string[]): Promise<number> {
  let options: EmulatorOptions;
  const notes: string[] = [];
  try {
    const args = parseArgs(argv);
    if (args.has('help')) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    options = optionsFromArgs(args, notes);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${KEYMETER_EMULATOR_NAME}: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger(options.logLevel ?? 'info');
  for (const note of notes) logger.debug(note);

  let emulator;
  try {
    emulator = await startEmulator({ ...options, logger });
  } catch (error) {
    process.stderr.write(
      `${KEYMETER_EMULATOR_NAME} could not start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  process.stdout.write(
    `API endpoint: http://${emulator.address}\n` +
      'If you are using a library that supports the FIRESTORE_EMULATOR_HOST environment variable, run:\n\n' +
      `   export FIRESTORE_EMULATOR_HOST=${emulator.address}\n\n` +
      `${KEYMETER_EMULATOR_NAME} (Java-free, in-memory) is serving gRPC and REST on ${emulator.address}.\n` +
      'Dev App Server is now running.\n',
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info(`Received ${signal}, shutting down.`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  return 0;
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `${KEYMETER_EMULATOR_NAME} crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
