import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chooseFirestoreEmulator, keymeterFirestoreEnv, type FirestoreChoice } from './firestore-choice.js';
import { cacheDir, PROJECT_ID, repoRoot } from './paths.js';
import { processIsAlive, stopProcess } from './processes.js';

const EMULATORS = ['auth', 'functions', 'firestore', 'hosting'] as const;
const READY_LINE = 'All emulators ready';
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

interface HostPort {
  host: string;
  port: number;
}

interface EmulatorConfig {
  auth: HostPort;
  functions: HostPort;
  firestore: HostPort;
  hosting: HostPort;
  hub: HostPort;
}

export interface EmulatorSuite {
  firestore: FirestoreChoice;
  /** Variables that point SDKs, tests and scripts at the running suite. */
  env: Record<string, string>;
  logFile: string;
  stop(): Promise<void>;
  /** Resolves when the suite exits on its own (a crash); never if stopped through `stop`. */
  exited: Promise<number | null>;
}

export interface StartOptions {
  /** Load Firestore and Auth data from this folder, and save them there on exit. */
  dataDir?: string;
  /** Aborting before the suite is ready stops what has started and rejects. */
  abortSignal?: AbortSignal;
  /** Echo the emulators' log to this stream (the log file always gets it). */
  echo?: NodeJS.WritableStream;
}

export function emulatorConfig(): EmulatorConfig {
  const firebaseJson = JSON.parse(readFileSync(path.join(repoRoot, 'firebase.json'), 'utf8')) as {
    emulators: Record<string, Partial<HostPort>>;
  };
  const read = (name: string): HostPort => {
    const entry = firebaseJson.emulators[name];
    if (entry?.host === undefined || entry.port === undefined) {
      throw new Error(`firebase.json: emulators.${name} needs a host and a port`);
    }
    return { host: entry.host, port: entry.port };
  };
  return {
    auth: read('auth'),
    functions: read('functions'),
    firestore: read('firestore'),
    hosting: read('hosting'),
    hub: read('hub'),
  };
}

/**
 * Points firebase-admin in this process at the local emulators (unless the environment already
 * names others), as a script run beside `npm start` or `npm run emulators` needs; returns the
 * addresses in use.
 */
export function useLocalEmulators(): { firestore: string; auth: string } {
  const config = emulatorConfig();
  process.env.GCLOUD_PROJECT ??= PROJECT_ID;
  const firestore =
    (process.env.FIRESTORE_EMULATOR_HOST ??= `${config.firestore.host}:${config.firestore.port}`);
  const auth = (process.env.FIREBASE_AUTH_EMULATOR_HOST ??= `${config.auth.host}:${config.auth.port}`);
  return { firestore, auth };
}

export function suiteEnv(
  config: EmulatorConfig,
  logFile: string,
  firestore: FirestoreChoice,
): Record<string, string> {
  const at = ({ host, port }: HostPort) => `${host}:${port}`;
  return {
    GCLOUD_PROJECT: PROJECT_ID,
    GOOGLE_CLOUD_PROJECT: PROJECT_ID,
    FIRESTORE_EMULATOR_HOST: at(config.firestore),
    FIREBASE_AUTH_EMULATOR_HOST: at(config.auth),
    FIREBASE_EMULATOR_HUB: at(config.hub),
    KEYMETER_HOSTING_URL: `http://${at(config.hosting)}`,
    KEYMETER_FUNCTIONS_URL: `http://${at(config.functions)}/${PROJECT_ID}/us-central1`,
    KEYMETER_EMULATOR_LOG: logFile,
    KEYMETER_FIRESTORE_EMULATOR: firestore.kind,
  };
}

/** Function invocations the Functions emulator runs at once (each in a worker process of its own). */
const FUNCTIONS_PARALLEL_WORK = 8;

/**
 * Starts Auth, Functions, Firestore and Hosting through firebase-tools and resolves once they are
 * all ready. Firestore is the official emulator where it can run, otherwise ours (one log line
 * says which). The functions and the dashboard must already be built.
 */
export async function startEmulatorSuite(options: StartOptions = {}): Promise<EmulatorSuite> {
  const config = emulatorConfig();
  const firestore = chooseFirestoreEmulator();
  console.log(
    firestore.kind === 'official'
      ? `Firestore: the official emulator (${firestore.reason}).`
      : `Firestore: Keymeter's Java-free emulator, tools/firestore-emulator (${firestore.reason}).`,
  );

  mkdirSync(path.join(cacheDir, 'logs'), { recursive: true });
  const logFile = path.join(cacheDir, 'logs', 'emulators.log');
  const log = createWriteStream(logFile);

  const args = [
    path.join(repoRoot, 'node_modules/firebase-tools/lib/bin/firebase.js'),
    'emulators:start',
    '--only',
    EMULATORS.join(','),
    '--project',
    PROJECT_ID,
  ];
  if (options.dataDir !== undefined) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('--import', options.dataDir, '--export-on-exit', options.dataDir);
  }

  const baseEnv = {
    ...process.env,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    // The Functions emulator starts a worker process per concurrent event, up to 50 by default.
    // A burst of usage batches (every instance flushing every key at once) would start dozens on
    // a 2-core machine, and workers that cannot load within 30 s fail their event. Queue instead.
    FUNCTIONS_EMULATOR_PARALLEL: process.env.FUNCTIONS_EMULATOR_PARALLEL ?? String(FUNCTIONS_PARALLEL_WORK),
  };
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: firestore.kind === 'keymeter' ? keymeterFirestoreEnv(baseEnv) : baseEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C reaches us, and we shut firebase-tools down in order.
    detached: true,
  });
  const childPid = child.pid;
  if (childPid === undefined) throw new Error('could not start firebase-tools');

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the emulator suite did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      options.echo?.write(chunk);
      if (output.length < 1_000_000) output += chunk.toString('utf8');
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator suite exited (code ${code}) before it was ready`));
    });
    options.abortSignal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new Error('interrupted before the emulator suite was ready'));
    });
  });

  const firestorePid = { value: undefined as number | undefined };
  const stop = async () => {
    firestorePid.value ??= await hubPid(config.hub, 'firestore');
    await stopProcess(childPid, { signal: 'SIGINT', timeoutMs: STOP_TIMEOUT_MS, group: true });
    // firebase-tools starts the Firestore emulator in a process group of its own.
    if (firestorePid.value !== undefined && processIsAlive(firestorePid.value)) {
      await stopProcess(firestorePid.value, { signal: 'SIGTERM', timeoutMs: 5_000, group: false });
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };

  try {
    await ready;
    firestorePid.value = await hubPid(config.hub, 'firestore');
  } catch (error) {
    await stop();
    const tail = output.split('\n').slice(-40).join('\n');
    throw new Error(`${(error as Error).message}\n--- last lines of ${logFile} ---\n${tail}`);
  }

  return { firestore, env: suiteEnv(config, logFile, firestore), logFile, stop, exited };
}

async function hubPid(hub: HostPort, emulator: string): Promise<number | undefined> {
  try {
    const response = await fetch(`http://${hub.host}:${hub.port}/emulators`);
    const body = (await response.json()) as Record<string, { pid?: number } | undefined>;
    const pid = body[emulator]?.pid;
    return typeof pid === 'number' && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
