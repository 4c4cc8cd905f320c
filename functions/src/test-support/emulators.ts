/**
 * Helpers for the emulator-backed tests (`*.int.test.ts`), which run inside
 * `npm run emulators -- exec …`: the admin SDK pointed at the emulators, fixtures made per
 * test, HTTP calls through Hosting, and waiting for trigger results by watching documents.
 */
import { readFileSync } from 'node:fs';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import {
  getFirestore,
  type DocumentData,
  type DocumentReference,
  type Firestore,
  type Query,
  type QueryDocumentSnapshot,
} from 'firebase-admin/firestore';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run integration tests through "npm run emulators -- exec".`);
  }
  return value;
}

export const PROJECT_ID = process.env.GCLOUD_PROJECT ?? 'demo-keymeter';
export const HOSTING_URL = process.env.KEYMETER_HOSTING_URL ?? 'http://127.0.0.1:5000';
const FIRESTORE_HOST = required('FIRESTORE_EMULATOR_HOST');
const AUTH_HOST = required('FIREBASE_AUTH_EMULATOR_HOST');
/** The functions' own URLs, e.g. `${FUNCTIONS_URL}/dashboardApi`, bypassing Hosting. */
export const FUNCTIONS_URL =
  process.env.KEYMETER_FUNCTIONS_URL ?? 'http://127.0.0.1:5001/demo-keymeter/us-central1';
export const FUNCTIONS_HUB_URL = (process.env.KEYMETER_FUNCTIONS_URL ?? 'http://127.0.0.1:5001/x').replace(
  /\/[^/]+\/[^/]+$/,
  '',
);

function app() {
  return getApps()[0] ?? initializeApp({ projectId: PROJECT_ID });
}

export function adminDb(): Firestore {
  return getFirestore(app());
}

export function adminAuth(): Auth {
  return getAuth(app());
}

/** Empties Firestore and Auth; each test file calls it once, before its tests. */
export async function clearEmulators(): Promise<void> {
  const firestore = await fetch(
    `http://${FIRESTORE_HOST}/emulator/v1/projects/${PROJECT_ID}/databases/(default)/documents`,
    { method: 'DELETE' },
  );
  if (!firestore.ok) throw new Error(`clearing Firestore failed: ${firestore.status}`);
  const auth = await fetch(`http://${AUTH_HOST}/emulator/v1/projects/${PROJECT_ID}/accounts`, {
    method: 'DELETE',
  });
  if (!auth.ok) throw new Error(`clearing Auth failed: ${auth.status}`);
}

export interface TestUser {
  uid: string;
  email: string;
  idToken: string;
}

let userCount = 0;

/** A new Auth user with a fresh ID token (custom claims, if any, included). */
export async function createTestUser(options: { admin?: boolean; name?: string } = {}): Promise<TestUser> {
  userCount += 1;
  const email = `user${userCount}-${Date.now()}@example.test`;
  const password = 'correct horse battery staple';
  // Verified: the dashboard API refuses a password sign-in whose address is not (requireUser).
  const created = await adminAuth().createUser({
    email,
    emailVerified: true,
    password,
    displayName: options.name ?? `Test User ${userCount}`,
  });
  if (options.admin === true) await adminAuth().setCustomUserClaims(created.uid, { admin: true });
  return { uid: created.uid, email, idToken: await signInWithPassword(email, password) };
}

/** A fresh sign-in through the Auth emulator: an ID token whose `auth_time` is now. */
export async function signInWithPassword(email: string, password: string): Promise<string> {
  const response = await fetch(
    `http://${AUTH_HOST}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=any`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, returnSecureToken: true }),
    },
  );
  const body = (await response.json()) as { idToken?: string };
  if (body.idToken === undefined) throw new Error(`sign-in failed: ${JSON.stringify(body)}`);
  return body.idToken;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

function init(options: CallOptions, auth: Record<string, string>): RequestInit {
  const headers: Record<string, string> = { ...auth, ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  return { method: options.method ?? 'GET', headers, ...(body === undefined ? {} : { body }) };
}

/** A dashboard API call through Hosting, as the dashboard makes it. */
export function dashboardCall(
  user: TestUser | null,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const auth: Record<string, string> = user === null ? {} : { authorization: `Bearer ${user.idToken}` };
  return fetch(`${HOSTING_URL}/api/dashboard${path}`, init(options, auth));
}

/** A `/v1` call through Hosting with the key in `Authorization: Bearer`. */
export function apiCall(key: string | null, path: string, options: CallOptions = {}): Promise<Response> {
  const auth: Record<string, string> = key === null ? {} : { authorization: `Bearer ${key}` };
  return fetch(`${HOSTING_URL}/v1${path}`, init(options, auth));
}

export async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got ${response.status}: ${text.slice(0, 300)}`);
  }
}

const DEFAULT_WAIT_MS = 30_000;

/** Resolves with the document's data once `done` holds, watching it; rejects after the timeout. */
export function waitForDoc<T = DocumentData>(
  ref: DocumentReference,
  done: (data: DocumentData | undefined) => boolean,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for ${ref.path}; last seen: ${JSON.stringify(last)}`));
    }, timeoutMs);
    const unsubscribe = ref.onSnapshot(
      (snapshot) => {
        last = snapshot.data();
        if (done(snapshot.data())) {
          clearTimeout(timer);
          unsubscribe();
          resolve(snapshot.data() as T);
        }
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Like waitForDoc, for a query's results. */
export function waitForQuery(
  query: Query,
  done: (docs: QueryDocumentSnapshot[]) => boolean,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<QueryDocumentSnapshot[]> {
  return new Promise((resolve, reject) => {
    let lastSize = 0;
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out waiting for a query (last size ${lastSize})`));
    }, timeoutMs);
    const unsubscribe = query.onSnapshot(
      (snapshot) => {
        lastSize = snapshot.size;
        if (done(snapshot.docs)) {
          clearTimeout(timer);
          unsubscribe();
          resolve(snapshot.docs);
        }
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Everything the emulators (functions logs included) have printed so far. */
export function emulatorLog(): string {
  return readFileSync(required('KEYMETER_EMULATOR_LOG'), 'utf8');
}

/**
 * Resolves once `ms` have passed since `since` (epoch ms). For documented time bounds, such as
 * how long a revoked key may still pass: a call made after it must see the new state.
 */
export async function untilElapsed(since: number, ms: number): Promise<void> {
  const remaining = since + ms - Date.now();
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
}

/**
 * Waits until the emulator log satisfies `done`. Function output reaches the log through
 * firebase-tools' pipe, so a line can land after the function's HTTP response did.
 */
export async function waitForLog(done: (log: string) => boolean, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = emulatorLog();
    if (done(log)) return log;
    if (Date.now() > deadline)
      throw new Error(`the emulator log did not show what was expected in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every document in every collection, as text, for "this secret is stored nowhere" checks. */
export async function dumpFirestore(): Promise<string> {
  const parts: string[] = [];
  for (const collection of await adminDb().listCollections()) {
    const snapshot = await collection.get();
    for (const doc of snapshot.docs) parts.push(JSON.stringify({ path: doc.ref.path, data: doc.data() }));
  }
  return parts.join('\n');
}
