/**
 * The API reference page in a real browser: rendered from /v1/openapi.json with nothing from
 * off the machine and nothing the page's CSP refuses, "try it" with a pasted key metered like
 * any call, and a code sample that runs as shown once the whole key is put in.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_USAGE_DAILY, dailyDocId } from '../functions/src/lib/collections.js';
import { utcDate } from '../functions/src/shared/dates.js';
import { adminDb, clearEmulators, waitForDoc } from '../functions/src/test-support/emulators.js';
import { usePagePerTest } from './support/browser.js';
import { createKeyAndClose, uidOf } from './support/keys.js';
import { captureAtBothWidths } from './support/screenshots.js';
import { newAccount, signIn } from './support/sign-in.js';

const run = promisify(execFile);
const tab = usePagePerTest();

beforeAll(async () => {
  await clearEmulators();
});

/** Requests that would leave the machine, and what the Content-Security-Policy refused. */
async function watchOffMachine(page: Page): Promise<{ offMachine: string[]; refused: string[] }> {
  const seen = { offMachine: [] as string[], refused: [] as string[] };
  page.on('request', (request) => {
    const { hostname } = new URL(request.url());
    // The Auth SDK's sign-in helper is served locally by support/browser.ts.
    if (
      !['127.0.0.1', 'localhost', 'apis.google.com'].includes(hostname) &&
      !request.url().startsWith('data:')
    )
      seen.offMachine.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.refused.push(message.text());
  });
  await page.exposeBinding('reportCspViolation', (_source, text: string) => {
    seen.refused.push(text);
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'}`);
    });
  });
  return seen;
}

/** An operation's block in Swagger UI (its summary prints the path with breaks, so match the attribute). */
function operation(page: Page, name: string) {
  const [method = '', path = ''] = name.split(' ');
  return page
    .locator(`.opblock-${method.toLowerCase()}`)
    .filter({ has: page.locator(`.opblock-summary-path[data-path="${path}"]`) });
}

async function openReference(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API reference' }).click();
  await page.getByRole('heading', { name: 'API reference', exact: true }).waitFor();
  // Swagger UI has drawn the document.
  await operation(page, 'GET /v1/time').waitFor();
}

/** Expands an operation and returns its code samples. */
async function samplesOf(page: Page, name: string) {
  await operation(page, name).locator('.opblock-summary-control').click();
  return page.getByRole('region', { name: `Code samples for ${name}` });
}

describe('the API reference page', () => {
  it('renders every route offline and under the CSP, with samples showing the chosen key’s prefix', async () => {
    const seen = await watchOffMachine(tab.page);
    await signIn(tab.page, 'google', newAccount('Ada Lovelace'));
    const key = await createKeyAndClose(tab.page, 'Docs key');
    await openReference(tab.page);

    for (const name of [
      'GET /v1/forecast',
      'POST /v1/convert',
      'POST /v1/emails/verify',
      'POST /v1/keys/verify',
    ])
      await operation(tab.page, name).waitFor();
    expect(await tab.page.getByLabel('Key for the code samples').inputValue()).toBe(key.id);

    const samples = await samplesOf(tab.page, 'GET /v1/time');
    const prefix = key.secret.slice(0, 12);
    await samples.getByText(`Authorization: Bearer ${prefix}…`, { exact: false }).waitFor();
    for (const language of ['JavaScript', 'Python']) {
      await samples.getByText(language, { exact: true }).click();
      expect(await samples.locator('pre').innerText()).toContain(`Bearer ${prefix}…`);
    }
    expect(await tab.page.content()).not.toContain(key.secret);

    const shots = await captureAtBothWidths(tab.page, 'api-reference', () => samples.waitFor());
    for (const shot of shots) expect(shot.overflow).toEqual([]);
    expect(seen.offMachine).toEqual([]);
    expect(seen.refused).toEqual([]);
  });

  it('tries a call with a pasted key, metered like any other, and forgets the key on reload', async () => {
    const seen = await watchOffMachine(tab.page);
    const account = newAccount('Grace Hopper');
    await signIn(tab.page, 'github', account);
    const key = await createKeyAndClose(tab.page, 'Try-it key');
    await openReference(tab.page);

    await tab.page.getByLabel('API key for “Try it out”').fill(key.secret);
    const time = operation(tab.page, 'GET /v1/time');
    await time.locator('.opblock-summary-control').click();
    await time.getByRole('button', { name: 'Try it out' }).click();
    const sent = tab.page.waitForRequest((request) => new URL(request.url()).pathname === '/v1/time');
    await time.getByRole('button', { name: 'Execute' }).click();
    expect((await sent).headers().authorization).toBe(`Bearer ${key.secret}`);
    const live = time.locator('.live-responses-table');
    await live.locator('.response-col_status', { hasText: '200' }).waitFor();
    await live.getByText('"timezone": "UTC"', { exact: false }).waitFor();
    await live.getByText('x-quota-remaining', { exact: false }).waitFor();

    // Counted: the fold adds the call to the account's day, as for a call from a program.
    const uid = await uidOf(account.email);
    const day = await waitForDoc<{
      total_requests: number;
      total_units: number;
    }>(
      adminDb()
        .collection(API_USAGE_DAILY)
        .doc(dailyDocId(uid, utcDate(new Date()))),
      (data) => (data?.total_requests ?? 0) >= 1,
    );
    // The account's only call: this one.
    expect(day).toMatchObject({ total_requests: 1, total_units: 1 });

    // Nowhere that outlives the page.
    const stored = await tab.page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(key.secret);
    expect(JSON.stringify(await tab.page.context().cookies())).not.toContain(key.secret);
    await tab.page.reload();
    await operation(tab.page, 'GET /v1/time').waitFor();
    expect(await tab.page.getByLabel('API key for “Try it out”').inputValue()).toBe('');
    expect(seen.offMachine).toEqual([]);
    expect(seen.refused).toEqual([]);
  });

  it('shows a curl sample that runs as shown once the whole key replaces the placeholder', async () => {
    await signIn(tab.page, 'google', newAccount('Alan Turing'));
    const key = await createKeyAndClose(tab.page, 'Curl key');
    await openReference(tab.page);

    const samples = await samplesOf(tab.page, 'GET /v1/forecast');
    const shown = await samples.locator('pre').innerText();
    const placeholder = `${key.secret.slice(0, 12)}…`;
    expect(shown).toContain(placeholder);
    const command = shown.replace(placeholder, key.secret);
    const { stdout } = await run('sh', ['-c', `${command} --silent --show-error --fail-with-body`]);
    const answer = JSON.parse(stdout) as { city: string; days: unknown[] };
    expect(answer.city).toBe('Lisbon');
    expect(answer.days).toHaveLength(3);
  });
});
