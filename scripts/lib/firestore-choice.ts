import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';

/** The official emulator needs this Java; firebase-tools refuses anything older. */
const MIN_JAVA_FOR_OFFICIAL = 21;

export type FirestoreChoice =
  { kind: 'official'; jar: string; reason: string } | { kind: 'keymeter'; reason: string };

/**
 * Decides which Firestore emulator the suite runs: Google's where Java 21+ and its jar are both
 * present, otherwise ours. `KEYMETER_FIRESTORE=keymeter|official` overrides the detection.
 */
export function chooseFirestoreEmulator(env: NodeJS.ProcessEnv = process.env): FirestoreChoice {
  const forced = env.KEYMETER_FIRESTORE;
  if (forced !== undefined && forced !== 'keymeter' && forced !== 'official') {
    throw new Error(`KEYMETER_FIRESTORE must be "keymeter" or "official", not "${forced}"`);
  }
  if (forced === 'keymeter') return { kind: 'keymeter', reason: 'KEYMETER_FIRESTORE=keymeter' };

  const java = javaMajorVersion();
  const jar = officialJarPath(env);
  if (java !== undefined && java >= MIN_JAVA_FOR_OFFICIAL && jar !== undefined) {
    return { kind: 'official', jar, reason: `Java ${java} and ${jar} found` };
  }
  if (forced === 'official') {
    throw new Error(
      `KEYMETER_FIRESTORE=official, but the official emulator needs Java ${MIN_JAVA_FOR_OFFICIAL}+ ` +
        `(found ${java ?? 'none'}) and its jar (${jar ?? 'not found'}).`,
    );
  }
  const missing = [
    java === undefined
      ? 'no Java'
      : java < MIN_JAVA_FOR_OFFICIAL
        ? `Java ${java} < ${MIN_JAVA_FOR_OFFICIAL}`
        : '',
    jar === undefined ? 'no official emulator jar' : '',
  ].filter(Boolean);
  return { kind: 'keymeter', reason: missing.join(', ') };
}

function javaMajorVersion(): number | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stdout}${result.stderr}`);
  if (match === null) return undefined;
  const major = Number(match[1]);
  // Java 8 and older report "1.8".
  return major === 1 ? Number(match[2]) : major;
}

/** Where firebase-tools keeps (or would download) the jar it runs, unless overridden. */
function officialJarPath(env: NodeJS.ProcessEnv): string | undefined {
  const override = env.FIRESTORE_EMULATOR_BINARY_PATH;
  if (override !== undefined && override !== '') return existsSync(override) ? override : undefined;
  const info = JSON.parse(
    readFileSync(
      path.join(repoRoot, 'node_modules/firebase-tools/lib/emulator/downloadableEmulatorInfo.json'),
      'utf8',
    ),
  ) as { firestore: { downloadPathRelativeToCacheDir: string } };
  const cacheDir = env.FIREBASE_EMULATORS_PATH ?? path.join(homedir(), '.cache', 'firebase', 'emulators');
  const jar = path.join(cacheDir, info.firestore.downloadPathRelativeToCacheDir);
  return existsSync(jar) ? jar : undefined;
}

/** Environment that makes firebase-tools start our emulator where it would start the jar. */
export function keymeterFirestoreEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const shimDir = path.join(repoRoot, 'scripts', 'java-shim');
  return {
    ...env,
    PATH: `${shimDir}${path.delimiter}${env.PATH ?? ''}`,
    FIRESTORE_EMULATOR_BINARY_PATH: path.join(shimDir, 'keymeter-firestore-emulator.jar'),
    KEYMETER_NODE: process.execPath,
  };
}
