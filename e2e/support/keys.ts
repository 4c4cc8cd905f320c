import type { Locator, Page } from 'playwright-core';
import { API_KEYS } from '../../functions/src/lib/collections.js';
import { adminAuth, adminDb, apiCall } from '../../functions/src/test-support/emulators.js';
import { dashboardUrl } from './browser.js';

export interface CreatedKey {
  id: string;
  label: string;
  secret: string;
  /** The dialog, still showing the secret. */
  dialog: Locator;
}

/** Creates a key on the Keys page and leaves its one-time reveal open. */
export async function createKey(page: Page, label: string): Promise<CreatedKey> {
  if (new URL(page.url()).pathname !== '/dashboard/keys') await page.goto(dashboardUrl('/keys'));
  await page.getByRole('button', { name: 'Create key', exact: true }).click();
  const form = page.getByRole('dialog', { name: 'Create an API key' });
  await form.getByLabel('Name').fill(label);
  await form.getByRole('button', { name: 'Create key' }).click();
  const dialog = page.getByRole('dialog', { name: `“${label}” is ready` });
  const secret = await dialog.getByLabel('Your new API key').inputValue();
  const snapshot = await adminDb().collection(API_KEYS).where('label', '==', label).get();
  const id = snapshot.docs[0]?.id;
  if (id === undefined) throw new Error(`no key labelled ${label} in Firestore`);
  return { id, label, secret, dialog };
}

/** Creates a key and closes its reveal. */
export async function createKeyAndClose(page: Page, label: string): Promise<CreatedKey> {
  const key = await createKey(page, label);
  await key.dialog.getByRole('button', { name: 'I’ve saved my key' }).click();
  await key.dialog.waitFor({ state: 'detached' });
  return key;
}

export async function uidOf(email: string): Promise<string> {
  return (await adminAuth().getUserByEmail(email)).uid;
}

export interface ApiAnswer {
  status: number;
  code: string | null;
}

export async function callApi(secret: string, path = '/time'): Promise<ApiAnswer> {
  const response = await apiCall(secret, path);
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code ?? null };
}
