/**
 * Signing in and out in a real browser, through the Auth emulator's own account chooser (the
 * Firebase SDK's popup flow), and the production build's deep links.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { adminAuth, clearEmulators, HOSTING_URL } from '../functions/src/test-support/emulators.js';
import { dashboardUrl, launchBrowser, newContext, watchPageErrors } from './support/browser.js';
import { newAccount, signIn, signInWithChooser } from './support/sign-in.js';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  await clearEmulators();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  context = await newContext(browser);
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
});

afterEach(async () => {
  await context?.close();
});

async function providerOf(email: string): Promise<string[]> {
  const user = await adminAuth().getUserByEmail(email);
  return user.providerData.map((provider) => provider.providerId);
}

describe('sign-in', () => {
  it('signs in with Google through the emulator’s account chooser, and signs out', async () => {
    const ada = newAccount('Ada Lovelace');
    await page.goto(dashboardUrl());
    await page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');

    await signInWithChooser(page, 'google', ada);
    await page.getByRole('heading', { name: 'Welcome back, Ada' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    expect(await providerOf(ada.email)).toEqual(['google.com']);

    const menu = page.getByRole('button', { name: 'Account menu for Ada Lovelace' });
    await menu.getByText('Free plan').waitFor();
    await menu.click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/sign-in');

    // Signed out for real: a protected page sends the visitor back to sign-in.
    await page.goto(dashboardUrl('/settings'));
    await page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('signs in with GitHub through the emulator’s account chooser', async () => {
    const grace = newAccount('Grace Hopper');
    await signIn(page, 'github', grace);
    expect(await providerOf(grace.email)).toEqual(['github.com']);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    const profile = page.getByRole('region', { name: 'Profile', exact: true });
    await profile.getByText('GitHub', { exact: true }).waitFor();
    expect(await profile.textContent()).toContain(grace.email);
    expect(pageErrors).toEqual([]);
  });

  it('signs in again as an account the chooser already lists', async () => {
    const linus = newAccount('Linus Torvalds');
    await signIn(page, 'google', linus);
    const uid = (await adminAuth().getUserByEmail(linus.email)).uid;
    await context.close();

    context = await newContext(browser);
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    await signIn(page, 'google', linus, { existing: true });
    expect((await adminAuth().getUserByEmail(linus.email)).uid).toBe(uid);
    expect(pageErrors).toEqual([]);
  });
});

describe('deep links (production build on the Hosting emulator)', () => {
  it('takes a signed-out visitor to sign-in and back to the page they asked for', async () => {
    await page.goto(dashboardUrl('/keys'));
    await page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
    const signInUrl = new URL(page.url());
    expect(signInUrl.pathname).toBe('/dashboard/sign-in');
    expect(signInUrl.searchParams.get('redirect')).toBe('/keys');

    await signInWithChooser(page, 'google', newAccount('Katherine Johnson'));
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/keys');
    expect(pageErrors).toEqual([]);
  });

  it('loads /dashboard/keys directly and on refresh', async () => {
    const served = await fetch(`${HOSTING_URL}/dashboard/keys`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toContain('text/html');
    expect(await served.text()).toContain('<div id="root">');

    await signIn(page, 'google', newAccount('Margaret Hamilton'));
    await page.goto(dashboardUrl('/keys'));
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await page.goto(dashboardUrl('/usage?range=7d'));
    await page.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    expect(await page.getByRole('radio', { name: '7 days' }).isChecked()).toBe(true);

    await page.goto(dashboardUrl('/no-such-page'));
    await page.getByRole('heading', { name: "This page doesn't exist" }).waitFor();
    expect(pageErrors).toEqual([]);
  });
});

describe('offline fallback', () => {
  it('offers the emulator’s accounts in the page when the chooser cannot reach apis.google.com', async () => {
    // As on a machine without the shim: the script the chooser needs cannot be fetched.
    await context.route('https://apis.google.com/js/api.js**', (route) =>
      route.abort('internetdisconnected'),
    );
    const barbara = newAccount('Barbara Liskov');
    await page.goto(dashboardUrl('/sign-in'));
    await page.getByRole('button', { name: 'Continue with Google' }).click();
    const chooser = page.getByRole('dialog', { name: 'Sign in with a test Google account' });
    await chooser.waitFor();
    await chooser.getByLabel('Email').fill(barbara.email);
    await chooser.getByLabel('Name').fill(barbara.name);
    await chooser.getByRole('button', { name: 'Add account and sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome back, Barbara' }).waitFor();
    expect(await providerOf(barbara.email)).toEqual(['google.com']);
    expect(pageErrors).toEqual([]);
  });
});
