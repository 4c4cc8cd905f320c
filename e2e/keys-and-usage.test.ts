/**
 * An account holder's keys and usage in a real browser against the emulator suite: a key shown
 * once, a call metered and counted, exported as CSV, a key revoked, the account deleted.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { KEY_CACHE_TTL_EMULATOR_MS } from '../functions/src/keys/key-cache.js';
import { USAGE_EXPORT_COLUMNS } from '../functions/src/shared/contracts.js';
import { utcDate } from '../functions/src/shared/dates.js';
import { adminAuth, clearEmulators, untilElapsed } from '../functions/src/test-support/emulators.js';
import { dashboardUrl, usePagePerTest } from './support/browser.js';
import { callApi, createKey, createKeyAndClose } from './support/keys.js';
import { region, reloadUntilVisible, waitForLoaded } from './support/pages.js';
import { newAccount, signIn } from './support/sign-in.js';

const tab = usePagePerTest();

beforeAll(async () => {
  await clearEmulators();
});

describe('keys', () => {
  it('shows a new key once, with a copy button, and never again after closing', async () => {
    await signIn(tab.page, 'google', newAccount('Ada Lovelace'));
    const key = await createKey(tab.page, 'Build server');

    expect(key.secret).toMatch(/^sk_live_[A-Za-z0-9]{38}$/);
    expect(await key.dialog.getByRole('alert').textContent()).toContain('This key will not be shown again.');
    await key.dialog.getByRole('button', { name: 'Copy key' }).click();
    await key.dialog.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await tab.page.evaluate(() => navigator.clipboard.readText())).toBe(key.secret);

    await key.dialog.getByRole('button', { name: 'I’ve saved my key' }).click();
    await key.dialog.waitFor({ state: 'detached' });
    const row = tab.page.getByRole('row').filter({ hasText: 'Build server' });
    await row.getByText(`${key.secret.slice(0, 12)}…${key.secret.slice(-4)}`).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
    expect(await tab.page.content()).not.toContain(key.secret);

    // Not on a fresh load either: the API never sends it again.
    await tab.page.reload();
    await row.waitFor();
    expect(await tab.page.content()).not.toContain(key.secret);
    expect(await callApi(key.secret)).toEqual({ status: 200, code: null });
  });

  it('revokes a key, and /v1 refuses it within the cache bound', async () => {
    await signIn(tab.page, 'google', newAccount('Grace Hopper'));
    const key = await createKeyAndClose(tab.page, 'Old laptop');
    // The API instance now has the key cached, as it would in production.
    expect(await callApi(key.secret)).toEqual({ status: 200, code: null });

    await tab.page.getByRole('button', { name: 'Actions for Old laptop' }).click();
    await tab.page.getByRole('menuitem', { name: 'Revoke' }).click();
    const confirm = tab.page.getByRole('alertdialog', { name: 'Revoke “Old laptop”?' });
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await tab.page.getByText('“Old laptop” revoked', { exact: true }).waitFor();
    const revokedAt = Date.now();
    await confirm.waitFor({ state: 'detached' });
    await tab.page
      .getByRole('row')
      .filter({ hasText: 'Old laptop' })
      .getByText('Revoked', { exact: true })
      .waitFor();

    // The documented bound (1 s in the emulator): a call made once it has passed is refused,
    // however slow the machine; and the key stays refused.
    await untilElapsed(revokedAt, KEY_CACHE_TTL_EMULATOR_MS);
    expect(await callApi(key.secret)).toEqual({ status: 401, code: 'revoked_api_key' });
    expect(await callApi(key.secret)).toEqual({ status: 401, code: 'revoked_api_key' });
  });
});

describe('key caps', () => {
  it('sets a per-minute cap in the Keys page, and /v1 holds the key to it', async () => {
    await signIn(tab.page, 'github', newAccount('Barbara Liskov'));
    const key = await createKeyAndClose(tab.page, 'Cron job');

    await tab.page.getByRole('button', { name: 'Actions for Cron job' }).click();
    await tab.page.getByRole('menuitem', { name: 'Set limits' }).click();
    const dialog = tab.page.getByRole('dialog', { name: 'Limits for “Cron job”' });
    await dialog.getByText('The account’s limits still apply', { exact: false }).waitFor();
    await dialog.getByLabel('Per-minute cap (calls a minute)').fill('2');
    await dialog.getByRole('button', { name: 'Save limits' }).click();
    await tab.page.getByText('Limits saved for “Cron job”', { exact: true }).waitFor();
    const savedAt = Date.now();
    await tab.page.getByRole('row').filter({ hasText: 'Cron job' }).getByText('cap 2/min').waitFor();

    // The account's Free plan allows 10 a minute; the key's cap is tighter and bites first.
    await untilElapsed(savedAt, KEY_CACHE_TTL_EMULATOR_MS);
    await awayFromMinuteTurn();
    expect(await callApi(key.secret)).toEqual({ status: 200, code: null });
    expect(await callApi(key.secret)).toEqual({ status: 200, code: null });
    expect(await callApi(key.secret)).toEqual({ status: 429, code: 'rate_limited' });
  });
});

/** Three calls must land in one UTC minute: wait out a minute's last seconds. */
async function awayFromMinuteTurn(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

describe('usage', () => {
  it('counts a call on Overview and Usage, and exports it as CSV', async () => {
    await signIn(tab.page, 'github', newAccount('Alan Turing'));
    const key = await createKeyAndClose(tab.page, 'Forecast app');
    expect(await callApi(key.secret, '/time')).toEqual({ status: 200, code: null });

    // Overview: usage is folded by a trigger moments after the call; refresh until it shows.
    await tab.page.goto(dashboardUrl());
    const month = region(tab.page, 'This month');
    const keyRow = month.getByRole('listitem').filter({ hasText: 'Forecast app' });
    await reloadUntilVisible(tab.page, keyRow.getByText('1 unit', { exact: true }), {
      ready: tab.page.getByRole('heading', { name: 'Welcome back, Alan' }),
    });
    // The account's quota, which all its keys share, and the key's part of it.
    const account = tab.page.getByRole('progressbar', {
      name: 'The account’s units this month against its quota',
    });
    expect(await account.getAttribute('aria-valuenow')).toBe('1');
    expect(await account.getAttribute('aria-valuemax')).toBe('1000');
    const quota = tab.page.getByRole('progressbar', {
      name: 'Forecast app: units this month of the account’s quota',
    });
    expect(await quota.getAttribute('aria-valuenow')).toBe('1');
    expect(await quota.getAttribute('aria-valuemax')).toBe('1000');
    const activity = region(tab.page, 'Recent activity');
    await activity
      .getByRole('listitem')
      .filter({ hasText: 'GET /v1/time' })
      .getByText('Forecast app')
      .waitFor();
    expect(await activity.getByRole('listitem').count()).toBe(1);

    // Usage: the same call in the cards, the chart's summary and the recent requests.
    await tab.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
    await tab.page.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    await waitForLoaded(tab.page);
    await region(tab.page, 'Calls').getByText('1', { exact: true }).waitFor();
    expect(await region(tab.page, 'Error rate').textContent()).toContain('0%');
    expect(await tab.page.getByRole('figure', { name: /^Calls per day/ }).textContent()).toContain(
      '1 call and 0 errors',
    );
    const requests = tab.page.getByRole('table', { name: 'Recent requests' });
    const rows = requests.getByRole('row');
    expect(await rows.count()).toBe(2);
    const cells = await rows.nth(1).getByRole('cell').allInnerTexts();
    expect(cells).toEqual([
      '200',
      'GET /v1/time',
      'Forecast app',
      '1',
      expect.stringMatching(/^\d+ ms$/),
      'just now',
    ]);

    // Export CSV: a real download, read back from disk.
    const downloaded = tab.page.waitForEvent('download');
    await tab.page.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloaded;
    await tab.page.getByText('CSV downloaded', { exact: true }).waitFor();
    const today = utcDate(new Date());
    expect(download.suggestedFilename()).toMatch(
      /^keymeter-usage-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const csv = (await readFile(await download.path(), 'utf8')).trimEnd().split(/\r?\n/);
    expect(csv[0]).toBe(USAGE_EXPORT_COLUMNS.join(','));
    expect(csv).toHaveLength(2);
    // date, key, label, integration, requests, units, errors, then the average latency.
    expect(csv[1]?.split(',').slice(0, 7)).toEqual([today, key.id, 'Forecast app', 'none', '1', '1', '0']);
    expect(Number(csv[1]?.split(',')[7])).toBeGreaterThan(0);
  });
});

describe('account', () => {
  it('deletes the account after a typed confirmation, and shows sign-in again', async () => {
    const account = newAccount('Edsger Dijkstra');
    await signIn(tab.page, 'google', account);
    const key = await createKeyAndClose(tab.page, 'Doomed key');
    expect(await callApi(key.secret)).toEqual({ status: 200, code: null });

    await tab.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await tab.page.getByRole('button', { name: 'Delete account' }).click();
    const confirm = tab.page.getByRole('alertdialog', { name: 'Delete your account?' });
    const deleteButton = confirm.getByRole('button', { name: 'Delete my account' });
    await confirm.getByLabel(/To confirm, type/).fill('delete my acount');
    expect(await deleteButton.isDisabled()).toBe(true);
    await confirm.getByLabel(/To confirm, type/).fill('delete my account');
    await deleteButton.click();
    const deletedAt = Date.now();

    await tab.page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
    expect(new URL(tab.page.url()).pathname).toBe('/dashboard/sign-in');
    expect(await tab.page.getByRole('status').textContent()).toContain(
      'Your account and all of its keys and usage data have been deleted.',
    );
    await expect(adminAuth().getUserByEmail(account.email)).rejects.toMatchObject({
      code: 'auth/user-not-found',
    });
    await untilElapsed(deletedAt, KEY_CACHE_TTL_EMULATOR_MS);
    const answer = await callApi(key.secret);
    expect(answer.status).toBe(401);
    expect(['revoked_api_key', 'unknown_api_key']).toContain(answer.code);

    // Signed out: the dashboard is closed to this browser now.
    await tab.page.goto(dashboardUrl('/keys'));
    await tab.page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
  });
});
