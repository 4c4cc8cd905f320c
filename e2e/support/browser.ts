/**
 * Debian's Chromium driven by playwright-core, against the production build that the Hosting
 * emulator serves. No browser is downloaded: `.ci/run` installs the `chromium` package, and a
 * missing browser fails the run (a browser test that silently does not run is no test).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { HOSTING_URL } from '../../functions/src/test-support/emulators.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 812 } as const;

/** How long a page may take to show what a test waits for (the emulators can be slow when cold). */
export const UI_TIMEOUT_MS = 20_000;

export const dashboardUrl = (path = ''): string => `${HOSTING_URL}/dashboard${path}`;

const gapiShim = readFileSync(fileURLToPath(new URL('./gapi-iframes-shim.js', import.meta.url)), 'utf8');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}. The browser tests drive Debian's Chromium: ` +
        'install it with "apt-get install chromium" (.ci/run does this in CI).',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

function isLocal(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.hostname === 'localhost';
}

/**
 * A fresh browser profile (no session) at desktop size. apis.google.com/js/api.js, which the
 * Auth SDK and the emulator's account chooser use to pass the sign-in result back, is served
 * from the local shim; every other off-machine request fails at once instead of hanging.
 */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: DESKTOP,
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  await context.route(
    (url) => !isLocal(url),
    (route) => route.abort('internetdisconnected'),
  );
  await context.route('https://apis.google.com/js/api.js**', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: gapiShim }),
  );
  return context;
}

/**
 * Uncaught exceptions in the dashboard's pages, collected so a test can insist there were
 * none: a page can look right while something behind it is broken.
 */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${error.name}: ${error.message}`));
  return errors;
}

/**
 * One browser for the calling file, and a fresh context and page for each of its tests; a test
 * fails if its page threw an uncaught error. `page` is set before each test runs.
 */
export function usePagePerTest(): { page: Page } {
  const tab: { page?: Page } = {};
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let errors: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (browser === undefined) throw new Error('the browser did not start');
    context = await newContext(browser);
    tab.page = await context.newPage();
    errors = watchPageErrors(tab.page);
  });
  afterEach(async () => {
    await context?.close();
    expect(errors).toEqual([]);
  });
  return tab as { page: Page };
}
