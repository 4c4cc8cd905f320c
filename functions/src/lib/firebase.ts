import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { getFirestore, type Firestore } from 'firebase-admin/firestore';
import { getFunctions, type Functions } from 'firebase-admin/functions';

/** The admin SDK, initialised once per instance and only when first needed. */
function app() {
  return getApps()[0] ?? initializeApp();
}

let firestore: Firestore | undefined;

export function db(): Firestore {
  firestore ??= getFirestore(app());
  return firestore;
}

export function auth(): Auth {
  return getAuth(app());
}

/** Cloud Tasks queues of task functions (the Functions emulator's when it runs them). */
export function functions(): Functions {
  return getFunctions(app());
}
