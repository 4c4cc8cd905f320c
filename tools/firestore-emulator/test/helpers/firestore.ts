import { randomBytes } from 'node:crypto';
import { deleteApp, initializeApp, type App } from 'firebase-admin/app';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, inject } from 'vitest';

export function emulatorHost(): string {
  return inject('firestoreHost');
}

export function isKeymeter(): boolean {
  return inject('keymeter');
}

let counter = 0;

/** A name no other test uses: `${prefix}_${n}_${random}`. */
export function unique(prefix = 'c'): string {
  counter++;
  return `${prefix}_${counter}_${randomBytes(3).toString('hex')}`;
}

export function databasePath(projectId: string): string {
  return `projects/${projectId}/databases/(default)`;
}

export async function rest(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: () => unknown }> {
  const response = await fetch(`http://${emulatorHost()}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as unknown };
}

export async function clearProject(projectId: string): Promise<void> {
  const response = await rest('DELETE', `/emulator/v1/${databasePath(projectId)}/documents`);
  if (response.status !== 200)
    throw new Error(`clearing ${projectId} failed: ${response.status} ${response.text}`);
}

export interface TestProjectHandle {
  readonly projectId: string;
  /** The firebase-admin Firestore client of this file's project. */
  readonly db: Firestore;
  /** Another, independent client (its own channel) of the same project. */
  client(): Firestore;
}

/**
 * Gives a test file a project of its own (its own data in the emulator), cleared before the file
 * runs and after it, and firebase-admin clients for it.
 */
export function useProject(name: string): TestProjectHandle {
  const projectId = `demo-conformance-${name}`;
  const apps: App[] = [];
  let main: Firestore | undefined;
  const client = (): Firestore => {
    const app = initializeApp({ projectId }, `${projectId}-${apps.length}-${randomBytes(3).toString('hex')}`);
    apps.push(app);
    return getFirestore(app);
  };
  beforeAll(async () => {
    await clearProject(projectId);
  });
  afterAll(async () => {
    for (const app of apps) await deleteApp(app);
    await clearProject(projectId);
  });
  return {
    projectId,
    get db(): Firestore {
      main ??= client();
      return main;
    },
    client,
  };
}

/**
 * Collects values pushed by a subscription (onSnapshot) so a test can wait for the next one
 * with a timeout instead of sleeping.
 */
export class EventQueue<T> {
  private readonly items: T[] = [];
  private readonly waiters: {
    predicate: (item: T) => boolean;
    resolve: (item: T) => void;
    reject: (error: Error) => void;
  }[] = [];
  private failure: Error | undefined;
  unsubscribe: () => void = () => {};

  push = (item: T): void => {
    const index = this.waiters.findIndex((waiter) => waiter.predicate(item));
    const waiter = index === -1 ? undefined : this.waiters.splice(index, 1)[0];
    if (waiter !== undefined) waiter.resolve(item);
    else this.items.push(item);
  };

  fail = (error: Error): void => {
    this.failure = error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  };

  /** The next item (already received or future) satisfying `predicate`; earlier ones are dropped. */
  next(predicate: (item: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    while (this.items.length > 0) {
      const item = this.items.shift();
      if (item !== undefined && predicate(item)) return Promise.resolve(item);
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (item: T) => {
          clearTimeout(timer);
          resolve(item);
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        reject(new Error(`no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Items received and not yet consumed. */
  pending(): readonly T[] {
    return this.items;
  }
}
