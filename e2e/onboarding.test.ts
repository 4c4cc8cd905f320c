/**
 * A brand-new account holder's first run in a real browser against the emulator suite: the
 * Overview checklist ticks itself from a first key (made for Zapier, with metadata) to a call
 * counted by the fold trigger, stays on Free and stays dismissed; the key's integration and
 * metadata reach `/v1/keys/verify`, and Usage breaks the call down by integration.
 */
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyKeyResponseSchema } from '../functions/src/shared/v1-contracts.js';
import { apiCall, clearEmulators, json } from '../functions/src/test-support/emulators.js';
import { DESKTOP, dashboardUrl, usePagePerTest } from './support/browser.js';
import { callApi } from './support/keys.js';
import { region, reloadUntilVisible, waitForLoaded } from './support/pages.js';
import { captureAtBothWidths } from './support/screenshots.js';
import { newAccount, signIn } from './support/sign-in.js';

const tab = usePagePerTest();

/** The trigger folds a call into the daily usage seconds after it: generous on a cold emulator. */
const FOLD_TIMEOUT_MS = 60_000;

const METADATA = { customer_id: 'cus_42' };

beforeAll(async () => {
  await clearEmulators();
});

function step(checklist: Locator, title: string): Locator {
  return checklist.getByRole('listitem').filter({ hasText: title });
}

/** Fills the open create dialog for a Zapier key with metadata, creates it, and reads its secret. */
async function createZapierKey(page: Page, label: string): Promise<{ secret: string; reveal: Locator }> {
  const form = page.getByRole('dialog', { name: 'Create an API key' });
  await form.getByLabel('Name').fill(label);
  await form.getByLabel('Integration').selectOption({ label: 'Zapier' });
  await form.getByLabel('Metadata').fill(JSON.stringify(METADATA));
  await form.getByRole('button', { name: 'Create key' }).click();
  const reveal = page.getByRole('dialog', { name: `“${label}” is ready` });
  await reveal.getByRole('button', { name: 'Copy key' }).click();
  await reveal.getByRole('button', { name: 'Copied' }).waitFor();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  expect(secret).toBe(await reveal.getByLabel('Your new API key').inputValue());
  return { secret, reveal };
}

describe('onboarding', () => {
  it('ticks itself from a first key to a counted call, stays on Free, and stays dismissed', async () => {
    const page = tab.page;
    await signIn(page, 'google', newAccount('Katherine Johnson'));
    const checklist = region(page, 'Get started');
    await checklist.getByText('0 of 4 done', { exact: true }).waitFor();
    await step(checklist, 'Create an API key').getByText('To do', { exact: true }).waitFor();

    // The checklist's link opens the Keys page with its create dialog.
    await checklist.getByRole('link', { name: 'Create a key' }).click();
    const { secret, reveal } = await createZapierKey(page, 'Zap runner');
    expect(new URL(page.url()).search).toBe('');
    await reveal.getByRole('button', { name: 'I’ve saved my key' }).click();
    await reveal.waitFor({ state: 'detached' });
    await page
      .getByRole('row')
      .filter({ hasText: 'Zap runner' })
      .getByText('Zapier', { exact: true })
      .waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await checklist.getByText('1 of 4 done', { exact: true }).waitFor();
    await step(checklist, 'Create an API key').getByText('Done', { exact: true }).waitFor();
    // The first call's sample names the key by its prefix; the secret is never on the page again.
    await step(checklist, 'Make your first call')
      .getByText(`Authorization: Bearer ${secret.slice(0, 12)}…`, { exact: false })
      .waitFor();
    expect(await page.content()).not.toContain(secret);
    // At both widths, nothing scrolls sideways (the sample's long line scrolls in its own box).
    const shots = await captureAtBothWidths(page, 'overview-onboarding', () =>
      checklist.getByText('1 of 4 done', { exact: true }).waitFor(),
    );
    for (const shot of shots) expect(shot.overflow).toEqual([]);
    await page.setViewportSize(DESKTOP);

    // The user's program calls the API; the page, never reloaded, ticks the steps as they happen.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    expect(await callApi(secret, '/time')).toEqual({ status: 200, code: null });
    await step(checklist, 'Make your first call')
      .getByText('Done', { exact: true })
      .waitFor({ timeout: FOLD_TIMEOUT_MS });
    await step(checklist, 'See it counted')
      .getByText('Done', { exact: true })
      .waitFor({ timeout: FOLD_TIMEOUT_MS });
    await checklist.getByText('3 of 4 done', { exact: true }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    await step(checklist, 'Pick a plan').getByRole('button', { name: 'Stay on Free' }).click();
    const allSet = region(page, 'All set');
    await allSet.getByText('4 of 4 done', { exact: true }).waitFor();
    await step(allSet, 'Pick a plan').getByText('Done', { exact: true }).waitFor();

    await allSet.getByRole('button', { name: 'Dismiss' }).click();
    await allSet.waitFor({ state: 'detached' });

    // Dismissed for good: after a reload the checklist's answer comes and it stays hidden.
    const answered = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/dashboard/onboarding' &&
        response.request().method() === 'GET',
    );
    await page.reload();
    const onboarding = (await (await answered).json()) as { dismissed: boolean; complete: boolean };
    expect(onboarding).toMatchObject({ dismissed: true, complete: true });
    await page.getByRole('heading', { name: 'Welcome back, Katherine' }).waitFor();
    await waitForLoaded(page);
    expect(await region(page, 'Get started').count()).toBe(0);
    expect(await region(page, 'All set').count()).toBe(0);
  });

  it('hands the key’s integration and metadata to /v1/keys/verify, and Usage filters by Zapier', async () => {
    const page = tab.page;
    await signIn(page, 'github', newAccount('Dorothy Vaughan'));
    await page.goto(dashboardUrl('/keys?create=1'));
    const { secret, reveal } = await createZapierKey(page, 'Sheets sync');
    await reveal.getByRole('button', { name: 'I’ve saved my key' }).click();
    await reveal.waitFor({ state: 'detached' });

    // A service outside Firebase verifies the key (a metered call) and learns whose it is.
    const verified = verifyKeyResponseSchema.parse(
      await json(await apiCall(null, '/keys/verify', { method: 'POST', body: { key: secret } })),
    );
    expect(verified).toMatchObject({ valid: true, integration: 'zapier', metadata: METADATA, units: 1 });
    expect(await callApi(secret, '/time')).toEqual({ status: 200, code: null });

    // Usage, filtered to Zapier's keys: both calls, once the trigger has folded them.
    await page.goto(dashboardUrl('/usage'));
    const integration = page.getByRole('combobox', { name: 'Integration', exact: true });
    await page.getByRole('heading', { name: 'Usage', exact: true }).waitFor();
    await waitForLoaded(page);
    await integration.selectOption({ label: 'Zapier' });
    await page.waitForURL(/[?&]integration=zapier/);
    const usageHeading = page.getByRole('heading', { name: 'Usage', exact: true });
    await reloadUntilVisible(page, region(page, 'Calls').getByText('2', { exact: true }), {
      ready: usageHeading,
      timeoutMs: FOLD_TIMEOUT_MS,
    });
    expect(await integration.inputValue()).toBe('zapier');
    await page.getByText(/^Zapier keys, /).waitFor();
    const recent = page.getByRole('table', { name: 'Recent requests' });
    await recent
      .getByRole('row')
      .filter({ hasText: 'GET /v1/time' })
      .filter({ hasText: 'Sheets sync' })
      .waitFor();

    const byIntegration = region(page, 'By integration').getByRole('table', { name: 'Calls by integration' });
    const zapier = byIntegration.getByRole('row').filter({ hasText: 'Zapier' });
    expect(await zapier.getByRole('cell').allInnerTexts()).toEqual(['Zapier', '2', '100%']);

    // The keys made for no integration had no calls: the filter really narrows.
    await integration.selectOption({ label: 'No integration' });
    await page.getByRole('heading', { name: 'No calls in this range' }).waitFor();
  });
});
