/**
 * The headers Hosting and the functions send (firebase.json, functions/src/http), and that the
 * dashboard still loads and signs in under its Content-Security-Policy in real Chromium.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearEmulators, HOSTING_URL } from '../functions/src/test-support/emulators.js';
import { dashboardUrl, usePagePerTest } from './support/browser.js';
import { waitForLoaded } from './support/pages.js';
import { newAccount, signIn, signInWithChooser } from './support/sign-in.js';

const tab = usePagePerTest();

beforeAll(async () => {
  await clearEmulators();
});

/** The policy's directives, each with its sources. */
function directivesOf(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function expectDashboardSecurityHeaders(response: Response): void {
  const policy = response.headers.get('content-security-policy');
  expect(policy, `${response.url} has no Content-Security-Policy`).not.toBeNull();
  const directives = directivesOf(policy ?? '');
  expect(directives.get('default-src')).toEqual(["'self'"]);
  const scripts = directives.get('script-src') ?? [];
  expect(scripts).toContain("'self'");
  for (const loose of [
    "'unsafe-inline'",
    "'unsafe-eval'",
    "'unsafe-hashes'",
    '*',
    'data:',
    'blob:',
    'http:',
    'https:',
  ]) {
    expect(scripts).not.toContain(loose);
  }
  // The emulator's origin may be talked to and framed, never run as script.
  expect(scripts.filter((source) => /127\.0\.0\.1|localhost/.test(source))).toEqual([]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('base-uri')).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);

  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups');
  const permissions = response.headers.get('permissions-policy') ?? '';
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) {
    expect(permissions).toMatch(new RegExp(`(^|, )${feature}=\\(\\)(,|$)`));
  }
}

async function expectIndexHtml(path: string): Promise<string> {
  const response = await fetch(`${HOSTING_URL}${path}`, { redirect: 'manual' });
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/html');
  expect(response.headers.get('cache-control')).toBe('no-cache');
  expectDashboardSecurityHeaders(response);
  const html = await response.text();
  expect(html).toContain('<div id="root">');
  return html;
}

describe('Hosting headers', () => {
  it('serves index.html uncached with the security headers, on /dashboard and on deep links', async () => {
    const html = await expectIndexHtml('/dashboard');
    // An inline script would need 'unsafe-inline' or a hash: the build must emit none.
    expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    for (const path of [
      '/dashboard/keys',
      '/dashboard/usage?x=1',
      '/dashboard/index.html',
      '/dashboard/assetsx/y',
    ]) {
      expect(await expectIndexHtml(path)).toBe(html);
    }
  });

  it('serves hashed assets immutable, and a missing one as a 404, not as index.html', async () => {
    const html = await expectIndexHtml('/dashboard');
    const assets = [...html.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+\.(?:js|css))"/g)].map(
      (match) => match[1],
    );
    expect(assets.some((path) => path?.endsWith('.js'))).toBe(true);
    expect(assets.some((path) => path?.endsWith('.css'))).toBe(true);
    for (const path of assets) {
      const response = await fetch(`${HOSTING_URL}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(
        path?.endsWith('.js') ? /javascript/ : /text\/css/,
      );
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }

    for (const path of ['/dashboard/assets/does-not-exist.js', '/dashboard/assets/gone/old-chunk.css']) {
      const missing = await fetch(`${HOSTING_URL}${path}`);
      expect(missing.status, path).toBe(404);
      expect(missing.headers.get('content-type') ?? '').not.toMatch(/javascript|css/);
      expect(await missing.text()).not.toContain('<div id="root">');
    }
  });

  it('sends nosniff on every API response, from each of the three functions', async () => {
    const calls: [string, RequestInit, number][] = [
      ['/v1/time', {}, 401],
      ['/v1/no-such-endpoint', {}, 404],
      ['/api/dashboard/me', {}, 401],
      [
        '/stripe/webhook',
        { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } },
        400,
      ],
    ];
    for (const [path, init, status] of calls) {
      const response = await fetch(`${HOSTING_URL}${path}`, init);
      expect(response.status, path).toBe(status);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });
});

/**
 * Every Content-Security-Policy violation in any page or frame of the context, from the
 * `securitypolicyviolation` event and from what Chromium logs to the console.
 */
async function recordViolations(context: BrowserContext, page: Page): Promise<string[]> {
  const violations: string[] = [];
  await context.exposeBinding('reportCspViolation', ({ frame }, text: string) => {
    violations.push(`${frame.url()}: ${text}`);
  });
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`);
    });
  });
  const listen = (target: Page): void => {
    target.on('console', (message) => {
      if (/Content Security Policy|Permissions-Policy/i.test(message.text())) {
        violations.push(`${target.url()}: console ${message.type()}: ${message.text()}`);
      }
    });
  };
  listen(page);
  context.on('page', listen);
  return violations;
}

describe('the dashboard under its Content-Security-Policy', () => {
  let violations: string[];

  beforeEach(async () => {
    violations = await recordViolations(tab.page.context(), tab.page);
  });

  // Checked after each test, so a test that times out still shows what was refused.
  afterEach(() => {
    expect(violations).toEqual([]);
  });

  it('loads and signs in with Google through the emulator’s chooser without a violation', async () => {
    const response = await tab.page.goto(dashboardUrl());
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await tab.page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();

    await signInWithChooser(tab.page, 'google', newAccount('Ada Lovelace'));
    await tab.page.getByRole('heading', { name: 'Welcome back, Ada' }).waitFor();
    await waitForLoaded(tab.page);
    // Charts and dialogs style elements inline; the policy allows styles, not scripts.
    await tab.page.goto(dashboardUrl('/usage'));
    await tab.page.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    await waitForLoaded(tab.page);
    await tab.page.goto(dashboardUrl('/keys'));
    await tab.page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    await waitForLoaded(tab.page);
  });

  it('signs in with GitHub without a violation', async () => {
    await signIn(tab.page, 'github', newAccount('Grace Hopper'));
    await waitForLoaded(tab.page);
  });

  it('signs in through the in-page emulator chooser without a violation', async () => {
    await tab.page
      .context()
      .route('https://apis.google.com/js/api.js**', (route) => route.abort('internetdisconnected'));
    const barbara = newAccount('Barbara Liskov');
    await tab.page.goto(dashboardUrl('/sign-in'));
    await tab.page.getByRole('button', { name: 'Continue with Google' }).click();
    const chooser = tab.page.getByRole('dialog', { name: 'Sign in with a test Google account' });
    await chooser.getByLabel('Email').fill(barbara.email);
    await chooser.getByLabel('Name').fill(barbara.name);
    await chooser.getByRole('button', { name: 'Add account and sign in' }).click();
    await tab.page.getByRole('heading', { name: 'Welcome back, Barbara' }).waitFor();
  });
});

describe('the Content-Security-Policy in force', () => {
  it('refuses an inline script, and the recorder sees it', async () => {
    const violations = await recordViolations(tab.page.context(), tab.page);
    await tab.page.goto(dashboardUrl('/sign-in'));
    await tab.page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
    const ran = await tab.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.inlineRan = "yes";';
      document.head.append(script);
      return document.body.dataset.inlineRan === 'yes';
    });
    expect(ran).toBe(false);
    await expect
      .poll(() => violations.some((text) => text.includes('script-src-elem refused inline')))
      .toBe(true);
  });
});
