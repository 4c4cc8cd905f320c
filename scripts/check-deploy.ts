/**
 * Checks that the functions package deploys on its own: `firebase deploy` uploads functions/ alone
 * (under firebase.json's ignore list) and Cloud Build installs it with `npm ci` from
 * functions/package-lock.json, without the root workspace or its lock. So this script builds the
 * functions if needed, copies exactly the files deploy would upload into an empty folder, installs
 * them with `npm ci --omit=dev --offline` (from the npm cache the root `npm ci` filled), and loads
 * the package the way firebase-tools discovers it and the Functions runtime starts it.
 *
 *   npx tsx scripts/check-deploy.ts               # the check (part of npm test)
 *   npx tsx scripts/check-deploy.ts --keep        # the check, keeping the installed folder
 *   npx tsx scripts/check-deploy.ts --write-lock  # regenerate functions/package-lock.json
 *
 * functions/package-lock.json is derived from the root package-lock.json, never resolved afresh:
 * it pins the same versions the tests ran against, and its tarballs are in the cache after the
 * root `npm ci`, so the check needs no network.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PROJECT_ID, repoRoot } from './lib/paths.js';

const functionsDir = path.join(repoRoot, 'functions');
const lockPath = path.join(functionsDir, 'package-lock.json');

/**
 * Functions that must be deployed, beyond those firebase.json's Hosting rewrites name (which must
 * be HTTPS functions). Other exports may exist; they are listed, not required.
 */
const REQUIRED_TRIGGERS: Record<string, Trigger> = {
  foldUsage: 'event',
  closeMonth: 'schedule',
  reportOverage: 'schedule',
  onAlertFired: 'event',
  retryWebhookDeliveries: 'schedule',
};

/** firebase-functions' manifest names each endpoint's trigger by one of these keys. */
const TRIGGER_KEYS = {
  httpsTrigger: 'https',
  callableTrigger: 'callable',
  eventTrigger: 'event',
  scheduleTrigger: 'schedule',
  taskQueueTrigger: 'task queue',
  blockingTrigger: 'blocking',
} as const;
type Trigger = (typeof TRIGGER_KEYS)[keyof typeof TRIGGER_KEYS];

class CheckFailed extends Error {}

const packageJsonSchema = z.object({
  name: z.string(),
  version: z.string(),
  main: z.string(),
});

const lockSchema = z.object({
  packages: z.record(
    z.string(),
    z.object({ version: z.string().optional(), link: z.boolean().optional() }).loose(),
  ),
});

const firebaseJsonSchema = z.object({
  functions: z.array(
    z.object({
      source: z.string(),
      ignore: z.array(z.string()).optional(),
      predeploy: z.array(z.string()).optional(),
    }),
  ),
  hosting: z
    .object({
      rewrites: z.array(z.object({ function: z.object({ functionId: z.string() }).optional() })).default([]),
    })
    .optional(),
});

/** The part of firebase-functions' discovery manifest (`stackToWire`) this check reads. */
const manifestSchema = z.object({ endpoints: z.record(z.string(), z.record(z.string(), z.unknown())) });

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

function say(message: string): void {
  console.log(`check-deploy: ${message}`);
}

interface Captured {
  code: number;
  output: string;
}

/** Runs a command with its output captured, shown only when it fails. */
function capture(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), output }));
  });
}

async function mustSucceed(what: string, result: Promise<Captured>): Promise<void> {
  const { code, output } = await result;
  if (code !== 0) throw new CheckFailed(`${what} failed (exit ${code}):\n${output.trim()}`);
}

/** Where npm finds packages and its settings; an enclosing `npm run` passes these on unchanged. */
const NPM_SETTINGS = new Set([
  'npm_config_cache',
  'npm_config_registry',
  'npm_config_userconfig',
  'npm_config_globalconfig',
]);

/**
 * npm as a user would run it in that folder: without the other npm_* variables of an enclosing
 * `npm run` (npm_config_local_prefix and the like), which point npm back at the root workspace.
 */
function npmEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^npm_/i.test(name) || NPM_SETTINGS.has(name.toLowerCase()),
    ),
  );
}

/** An empty folder with no node_modules above it, so nothing resolves from outside the package. */
function isolatedTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    if (existsSync(path.join(parent, 'node_modules')) || existsSync(path.join(parent, 'package.json'))) {
      rmSync(dir, { recursive: true, force: true });
      throw new CheckFailed(
        `${parent} holds a node_modules or package.json; set TMPDIR to a folder without one.`,
      );
    }
    if (path.dirname(parent) === parent) return dir;
  }
}

/**
 * The standalone lock: the root lock's tree seen from functions/ (its own nested packages first,
 * then the hoisted ones), pruned by npm to what functions/package.json needs. npm fetches nothing:
 * every package it keeps is pinned by the root lock.
 */
async function lockFromRoot(): Promise<string> {
  const rootLock = lockSchema.parse(readJson(path.join(repoRoot, 'package-lock.json')));
  const manifest = packageJsonSchema.parse(readJson(path.join(functionsDir, 'package.json')));
  const packages = new Map<string, unknown>();
  for (const [location, entry] of Object.entries(rootLock.packages)) {
    if (location.startsWith('node_modules/') && entry.link !== true) packages.set(location, entry);
  }
  for (const [location, entry] of Object.entries(rootLock.packages)) {
    if (!location.startsWith('functions/node_modules/')) continue;
    const own = location.slice('functions/'.length);
    // A package of functions' own replaces the hoisted one, and the hoisted one's nested packages.
    for (const other of packages.keys()) if (other.startsWith(`${own}/node_modules/`)) packages.delete(other);
    packages.set(own, entry);
  }
  const rootEntry = rootLock.packages['functions'] ?? {};
  const seed = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': rootEntry, ...Object.fromEntries(packages) },
  };
  const dir = isolatedTempDir('keymeter-lock-');
  try {
    cpSync(path.join(functionsDir, 'package.json'), path.join(dir, 'package.json'));
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify(seed));
    const { code, output } = await capture(
      'npm',
      [
        'install',
        '--package-lock-only',
        '--offline',
        // Like the root lock: no registry host in it, whatever this machine's npm settings say.
        '--omit-lockfile-registry-resolved',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
      ],
      { cwd: dir, env: npmEnv() },
    );
    if (code !== 0) {
      throw new CheckFailed(
        'npm could not derive functions/package-lock.json from the root lock. Run `npm install` at the ' +
          `root first, so that package-lock.json holds every dependency of functions/package.json.\n${output.trim()}`,
      );
    }
    return readFileSync(path.join(dir, 'package-lock.json'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function checkLock(): Promise<number> {
  const expected = await lockFromRoot();
  const actual = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : undefined;
  if (actual !== expected) {
    throw new CheckFailed(
      `functions/package-lock.json is ${actual === undefined ? 'missing' : 'out of date'}: it must be what ` +
        'functions/package.json and the root package-lock.json give. Run `npx tsx scripts/check-deploy.ts ' +
        '--write-lock` and commit it.',
    );
  }
  return Object.keys(lockSchema.parse(JSON.parse(expected)).packages).length - 1;
}

async function newestMtime(dir: string, include: (file: string) => boolean): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && include(file)) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

/** Runs firebase.json's predeploy commands, as `firebase deploy` does, when lib/ is older than src/. */
async function buildIfStale(main: string, predeploy: readonly string[]): Promise<string> {
  const mainFile = path.join(functionsDir, main);
  const sources = await newestMtime(path.join(functionsDir, 'src'), (file) => !file.endsWith('.test.ts'));
  const configs = Math.max(
    ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map(
      (file) => statSync(path.join(functionsDir, file)).mtimeMs,
    ),
  );
  if (existsSync(mainFile) && statSync(mainFile).mtimeMs >= Math.max(sources, configs)) return 'up to date';
  const started = Date.now();
  for (const command of predeploy) {
    await mustSucceed(
      `predeploy \`${command}\``,
      capture('sh', ['-c', command], { cwd: repoRoot, env: { ...process.env, RESOURCE_DIR: functionsDir } }),
    );
  }
  return `built by predeploy in ${((Date.now() - started) / 1000).toFixed(1)} s`;
}

interface UploadFile {
  name: string;
}
type Walk = (options: { path: string; ignoreStrings: string[] }) => Promise<UploadFile[]>;

function hasWalk(value: unknown): value is { readdirRecursive: Walk } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'readdirRecursive' in value &&
    typeof value.readdirRecursive === 'function'
  );
}

/**
 * The files `firebase deploy` packs from a folder: firebase-tools' own walk, with firebase.json's
 * ignore list plus the names it always adds (lib/deploy/functions/prepareFunctionsUpload.js).
 */
async function deployWalk(dir: string, ignore: readonly string[]): Promise<string[]> {
  const fsAsync: unknown = createRequire(import.meta.url)('firebase-tools/lib/fsAsync.js');
  if (!hasWalk(fsAsync))
    throw new CheckFailed("firebase-tools' lib/fsAsync.js no longer has readdirRecursive.");
  const ignoreStrings = [...ignore, 'firebase-debug.log', 'firebase-debug.*.log', '.runtimeconfig.json'];
  const files = await fsAsync.readdirRecursive({ path: dir, ignoreStrings });
  return files.map((file) => path.relative(dir, file.name)).sort();
}

/** Files deploy must never upload: local secrets and settings, sources, installed packages. */
const NEVER_UPLOADED = ['.secret.local', '.env.local', 'src/index.ts', 'node_modules/x/index.js'];

/** Probes the ignore list with files that may not exist here: it must exclude them wherever they appear. */
async function checkIgnoreList(ignore: readonly string[]): Promise<void> {
  const dir = isolatedTempDir('keymeter-ignore-');
  try {
    for (const file of NEVER_UPLOADED) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), '');
    }
    const kept = await deployWalk(dir, ignore);
    if (kept.length > 0) {
      throw new CheckFailed(
        `firebase.json's functions ignore list would upload ${kept.join(', ')}; add a pattern for it ` +
          '("*.local" keeps .secret.local and .env.local out).',
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compiled modules whose source is gone: deploy would upload them (tsc never deletes outputs). */
async function staleOutputs(main: string): Promise<string[]> {
  const libDir = path.join(functionsDir, path.dirname(main));
  const stale: string[] = [];
  for (const entry of await readdir(libDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const relative = path.relative(libDir, path.join(entry.parentPath, entry.name));
    if (!existsSync(path.join(functionsDir, 'src', relative.replace(/\.js$/, '.ts')))) stale.push(relative);
  }
  return stale;
}

/** What the Functions runtime and firebase-tools' discovery give the process; nothing else leaks in. */
function runtimeEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GCLOUD_PROJECT: PROJECT_ID,
    GOOGLE_CLOUD_QUOTA_PROJECT: PROJECT_ID,
    FIREBASE_CONFIG: JSON.stringify({ projectId: PROJECT_ID, storageBucket: `${PROJECT_ID}.appspot.com` }),
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

function triggerOf(endpoint: Record<string, unknown>): Trigger | 'no trigger' {
  for (const [key, trigger] of Object.entries(TRIGGER_KEYS)) if (endpoint[key] !== undefined) return trigger;
  return 'no trigger';
}

/**
 * firebase-tools discovers a codebase by running firebase-functions' own binary in it
 * (runtimes/node/index.js: FUNCTIONS_MANIFEST_OUTPUT_PATH, FUNCTION_TARGET unset), which loads
 * package.json's main through firebase-functions/lib/runtime/loader.js.
 */
async function discover(dir: string, required: Record<string, Trigger>): Promise<string> {
  const manifestPath = path.join(dir, '.discovery', 'functions.json');
  mkdirSync(path.dirname(manifestPath), { recursive: true });
  const bin = path.join(dir, 'node_modules', '.bin', 'firebase-functions');
  if (!existsSync(bin)) throw new CheckFailed('the installed package has no firebase-functions binary.');
  await mustSucceed(
    "firebase-functions' discovery",
    capture(bin, [dir], {
      cwd: dir,
      env: runtimeEnv({ FUNCTIONS_CONTROL_API: 'true', FUNCTIONS_MANIFEST_OUTPUT_PATH: manifestPath }),
    }),
  );
  const { endpoints } = manifestSchema.parse(readJson(manifestPath));
  const problems = Object.entries(required).flatMap(([name, trigger]) => {
    const endpoint = endpoints[name];
    if (endpoint === undefined) return [`${name} is not exported`];
    const found = triggerOf(endpoint);
    return found === trigger ? [] : [`${name} is a ${found} function, expected ${trigger}`];
  });
  if (problems.length > 0) throw new CheckFailed(`the deployed package's functions: ${problems.join('; ')}.`);
  return Object.entries(endpoints)
    .map(([name, endpoint]) => `${name} (${triggerOf(endpoint)})`)
    .join(', ');
}

/**
 * At run time the Functions Framework imports main with FUNCTION_TARGET set to one function and
 * calls that export; every instance imports the whole module graph.
 */
async function loadAsRuntime(dir: string, main: string, names: readonly string[]): Promise<void> {
  const script = [
    `const mod = await import(${JSON.stringify(new URL(`file://${path.join(dir, main)}`).href)});`,
    `const missing = ${JSON.stringify(names)}.filter((name) => typeof mod[name] !== 'function');`,
    `if (missing.length > 0) { console.error('not functions: ' + missing.join(', ')); process.exit(1); }`,
    'process.exit(0);',
  ].join('\n');
  const [target = ''] = names;
  await mustSucceed(
    `importing ${main} as the Functions runtime does`,
    capture(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: runtimeEnv({ FUNCTION_TARGET: target, K_SERVICE: target.toLowerCase(), PORT: '8080' }),
    }),
  );
}

async function check(): Promise<void> {
  const started = Date.now();
  const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;
  const firebaseJson = firebaseJsonSchema.parse(readJson(path.join(repoRoot, 'firebase.json')));
  const codebase = firebaseJson.functions.find(
    (entry) => path.resolve(repoRoot, entry.source) === functionsDir,
  );
  if (codebase === undefined) throw new CheckFailed('firebase.json deploys no codebase from functions/.');
  const ignore = codebase.ignore ?? ['node_modules', '.git'];
  const manifest = packageJsonSchema.parse(readJson(path.join(functionsDir, 'package.json')));

  const required: Record<string, Trigger> = { ...REQUIRED_TRIGGERS };
  for (const rewrite of firebaseJson.hosting?.rewrites ?? []) {
    if (rewrite.function !== undefined) required[rewrite.function.functionId] = 'https';
  }

  let step = Date.now();
  const locked = await checkLock();
  say(
    `functions/package-lock.json matches package.json and the root lock (${locked} packages, ${seconds(step)})`,
  );

  await checkIgnoreList(ignore);
  say(`functions/lib ${await buildIfStale(manifest.main, codebase.predeploy ?? [])}`);
  const stale = await staleOutputs(manifest.main);
  if (stale.length > 0) {
    say(
      `warning: ${stale.length} compiled module(s) in functions/lib have no source and would be uploaded ` +
        `(${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', …' : ''}); rm -rf functions/lib and rebuild.`,
    );
  }

  const files = await deployWalk(functionsDir, ignore);
  for (const needed of ['package.json', 'package-lock.json', manifest.main]) {
    if (!files.includes(needed)) throw new CheckFailed(`the upload would not contain ${needed}.`);
  }
  const dir = isolatedTempDir('keymeter-deploy-');
  try {
    let bytes = 0;
    for (const file of files) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      cpSync(path.join(functionsDir, file), path.join(dir, file));
      bytes += statSync(path.join(dir, file)).size;
    }
    say(`the upload: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB, copied to ${dir}`);

    step = Date.now();
    await mustSucceed(
      'npm ci --omit=dev --offline in the uploaded folder',
      capture('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: dir,
        env: npmEnv(),
      }),
    );
    say(`npm ci --omit=dev --offline installed it (${seconds(step)})`);

    step = Date.now();
    const found = await discover(dir, required);
    await loadAsRuntime(dir, manifest.main, Object.keys(required));
    say(`firebase-functions' loader found ${found} (${seconds(step)})`);
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
  say(`ok in ${seconds(started)}`);
}

async function main(): Promise<number> {
  try {
    if (process.argv.includes('--write-lock')) {
      writeFileSync(lockPath, await lockFromRoot());
      say(`wrote ${path.relative(repoRoot, lockPath)}`);
      return 0;
    }
    await check();
    return 0;
  } catch (error) {
    if (!(error instanceof CheckFailed)) throw error;
    console.error(`check-deploy: ${error.message}`);
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
