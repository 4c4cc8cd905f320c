/**
 * Signing in the way a person does against the Auth emulator: the dashboard's "Continue with …"
 * button opens the emulator's real account chooser in a popup (the SDK's popup flow), where one
 * adds a test account or picks an existing one.
 */
import type { Page } from 'playwright-core';
import { dashboardUrl } from './browser.js';

export type Provider = 'google' | 'github';

const BUTTONS: Record<Provider, string> = {
  google: 'Continue with Google',
  github: 'Continue with GitHub',
};

export interface ChooserAccount {
  email: string;
  name: string;
}

/** A new test account in the chooser ("Add new account"), or one the emulator already has. */
export async function signInWithChooser(
  page: Page,
  provider: Provider,
  account: ChooserAccount,
  { existing = false }: { existing?: boolean } = {},
): Promise<void> {
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: BUTTONS[provider] }).click();
  const popup = await popupOpened;
  const closed = popup.waitForEvent('close');
  if (existing) {
    await popup.locator('.js-reuse-account', { hasText: account.email }).click();
  } else {
    await popup.locator('#add-account-button').click();
    await popup.locator('#email-input').fill(account.email);
    await popup.locator('#display-name-input').fill(account.name);
    await popup.locator('#sign-in').click();
  }
  await closed;
}

/** Opens the sign-in page, signs in, and waits for the Overview the dashboard lands on. */
export async function signIn(
  page: Page,
  provider: Provider,
  account: ChooserAccount,
  options: { existing?: boolean } = {},
): Promise<void> {
  await page.goto(dashboardUrl('/sign-in'));
  await signInWithChooser(page, provider, account, options);
  const firstName = account.name.split(' ')[0] ?? account.name;
  await page.getByRole('heading', { name: `Welcome back, ${firstName}` }).waitFor();
}

let accounts = 0;

/** A chooser account no other test uses. */
export function newAccount(name: string): ChooserAccount {
  accounts += 1;
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '.');
  return { email: `${slug}.${Date.now()}.${accounts}@example.test`, name };
}
