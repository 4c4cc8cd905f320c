/**
 * Every page of the dashboard at 1280 px and 375 px wide, signed in as the seeded demo account
 * (90 days of usage, so the charts are full), saved into `screenshots/` for a person to look at.
 * Fails if any of them scrolls sideways.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, clearEmulators } from '../functions/src/test-support/emulators.js';
import { DEMO_EMAIL, DEMO_NAME, seedDemo } from '../scripts/seed-demo.js';
import { dashboardUrl, launchBrowser, newContext, watchPageErrors } from './support/browser.js';
import { waitForLoaded } from './support/pages.js';
import { captureAtBothWidths, DESKTOP, PHONE, SCREENSHOTS_DIR, type Shot } from './support/screenshots.js';
import { signInWithChooser } from './support/sign-in.js';

let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[];
const shots = new Map<string, Shot[]>();

beforeAll(async () => {
  await clearEmulators();
  const demo = await seedDemo({ quiet: true });
  // The demo operator sees the Admin page too.
  await adminAuth().setCustomUserClaims(demo.uid, { admin: true });
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  pageErrors = watchPageErrors(page);
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
});

async function capture(
  name: string,
  show: () => Promise<void>,
  options?: Parameters<typeof captureAtBothWidths>[3],
) {
  shots.set(name, await captureAtBothWidths(page, name, show, options));
}

/** Dialogs and menus cover the window, not the page: capture what the window shows. */
const WINDOW = { fullPage: false };

/** Opens a page of the dashboard and waits until its heading and data are there. */
function open(pathname: string, heading: string) {
  return async () => {
    await page.goto(dashboardUrl(pathname));
    await page.getByRole('heading', { name: heading, exact: true }).waitFor();
    await waitForLoaded(page);
  };
}

describe('screenshots', () => {
  it('saves every page at 1280 px and 375 px wide, none scrolling sideways', async () => {
    await capture('sign-in', open('/sign-in', 'Sign in to Keymeter'));

    await page.setViewportSize(DESKTOP);
    await signInWithChooser(page, 'google', { email: DEMO_EMAIL, name: DEMO_NAME }, { existing: true });
    await page.getByRole('heading', { name: 'Welcome back, Demo' }).waitFor();

    await capture('overview', async () => {
      await open('/', 'Welcome back, Demo')();
      await page.getByRole('figure').waitFor();
    });
    await capture('keys', open('/keys', 'API keys'));
    await capture(
      'keys-create-dialog',
      async () => {
        await open('/keys', 'API keys')();
        await page.getByRole('button', { name: 'Create key', exact: true }).click();
        await page
          .getByRole('dialog', { name: 'Create an API key' })
          .getByLabel('Name')
          .fill('Screenshot server');
      },
      WINDOW,
    );
    await capture(
      'keys-create-reveal',
      async () => {
        const form = page.getByRole('dialog', { name: 'Create an API key' });
        if (!(await form.isVisible())) {
          await open('/keys', 'API keys')();
          await page.getByRole('button', { name: 'Create key', exact: true }).click();
          await form.getByLabel('Name').fill('Screenshot server');
        }
        await form.getByRole('button', { name: 'Create key' }).click();
        await page.getByRole('dialog', { name: '“Screenshot server” is ready' }).waitFor();
      },
      WINDOW,
    );
    await capture(
      'keys-revoke-confirm',
      async () => {
        await open('/keys', 'API keys')();
        await page.getByRole('button', { name: 'Actions for Staging' }).click();
        await page.getByRole('menuitem', { name: 'Revoke' }).click();
        await page.getByRole('alertdialog', { name: 'Revoke “Staging”?' }).waitFor();
      },
      WINDOW,
    );
    await capture('usage', async () => {
      await open('/usage', 'Usage')();
      await page.getByRole('figure', { name: /^Calls per day/ }).waitFor();
      await page.getByRole('figure', { name: /^Latency per day/ }).waitFor();
    });
    await capture('usage-one-key', async () => {
      await open('/usage?key=demo-production&range=7d', 'Usage')();
      await page.getByRole('table', { name: 'Recent requests' }).waitFor();
    });
    await capture('billing', open('/billing', 'Billing'));
    await capture('settings', open('/settings', 'Settings'));
    await capture(
      'settings-delete-confirm',
      async () => {
        await open('/settings', 'Settings')();
        await page.getByRole('button', { name: 'Delete account' }).click();
        await page.getByRole('alertdialog', { name: 'Delete your account?' }).waitFor();
      },
      WINDOW,
    );
    await capture('admin', open('/admin', 'Admin'));
    await capture('not-found', open('/no-such-page', "This page doesn't exist"));
    await capture(
      'user-menu',
      async () => {
        await open('/', 'Welcome back, Demo')();
        await page.getByRole('button', { name: 'Account menu for Demo Developer' }).click();
        await page.getByRole('menu').waitFor();
      },
      WINDOW,
    );
    // The sidebar becomes a menu only on narrow screens.
    await capture(
      'nav-menu',
      async () => {
        await open('/', 'Welcome back, Demo')();
        await page.getByRole('button', { name: 'Open menu' }).click();
        await page.getByRole('dialog', { name: 'Navigation' }).waitFor();
      },
      { ...WINDOW, widths: [PHONE] },
    );

    const files = [...shots.values()].flat().map((shot) => path.basename(shot.file));
    console.log(`Screenshots in ${SCREENSHOTS_DIR}: ${files.join(', ')}`);
    for (const shot of [...shots.values()].flat()) expect(existsSync(shot.file)).toBe(true);
    expect(files).toHaveLength(2 * shots.size - 1);

    const overflowing = [...shots.entries()].flatMap(([name, taken]) =>
      taken
        .filter((shot) => shot.overflow.length > 0)
        .map((shot) => `${name} (${path.basename(shot.file)}): ${shot.overflow.join('; ')}`),
    );
    expect(overflowing).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
