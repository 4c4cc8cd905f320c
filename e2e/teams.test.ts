/**
 * Team accounts in real browsers: an owner creates a team and invites a colleague, who accepts
 * in another browser context, switches to the team and creates a key there; the owner sees it in
 * the audit log; a viewer is offered no key actions.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, API_KEYS } from '../functions/src/lib/collections.js';
import { adminDb, clearEmulators } from '../functions/src/test-support/emulators.js';
import { dashboardUrl, launchBrowser, newContext, watchPageErrors } from './support/browser.js';
import { uidOf } from './support/keys.js';
import { waitForLoaded } from './support/pages.js';
import { newAccount, signIn, type ChooserAccount } from './support/sign-in.js';

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const errors: string[][] = [];

beforeAll(async () => {
  await clearEmulators();
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

/** A person in a browser of their own, signed in. */
async function person(name: string): Promise<{ page: Page; account: ChooserAccount }> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  errors.push(watchPageErrors(page));
  const account = newAccount(name);
  await signIn(page, 'google', account);
  return { page, account };
}

/** Invites `email` on the team's Team page and returns the link, shown once. */
async function invite(page: Page, slug: string, email: string, role: 'Admin' | 'Member' | 'Viewer') {
  await page.goto(dashboardUrl(`/t/${slug}/team`));
  const form = page.getByRole('form', { name: 'Invite a member' });
  await form.getByLabel('Email address').fill(email);
  await form.getByLabel('Role').selectOption({ label: role });
  await form.getByRole('button', { name: 'Send invitation' }).click();
  const link = await page.getByLabel(`Invitation link for ${email}`).inputValue();
  await page.getByRole('button', { name: 'Done' }).click();
  return link;
}

async function accept(page: Page, link: string, team: string): Promise<void> {
  await page.goto(link);
  await page.getByRole('button', { name: `Accept and join ${team}` }).click();
  await page.waitForURL(/\/dashboard\/t\/[a-z0-9-]+/);
}

describe('a team', () => {
  it('is created, joined by an invited colleague who creates a key there, and audited', async () => {
    const owner = await person('Olive Owner');
    await owner.page.goto(dashboardUrl('/team'));
    await owner.page.getByRole('button', { name: 'Create a team' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Create a team' });
    await dialog.getByLabel('Team name').fill('Browser Team');
    await dialog.getByRole('button', { name: 'Create team' }).click();
    await owner.page.waitForURL('**/dashboard/t/browser-team');
    await waitForLoaded(owner.page);

    const colleague = await person('Carl Colleague');
    const link = await invite(owner.page, 'browser-team', colleague.account.email, 'Member');
    expect(link).toMatch(/\/dashboard\/invitations\/[A-Za-z0-9_-]{43}$/);
    await accept(colleague.page, link, 'Browser Team');

    // The switcher names the team; the team's Keys page makes the key in the team.
    await colleague.page.getByRole('button', { name: /Switch account \(current: Browser Team\)/ }).waitFor();
    await colleague.page.goto(dashboardUrl('/t/browser-team/keys'));
    await colleague.page.getByRole('button', { name: 'Create key', exact: true }).click();
    const form = colleague.page.getByRole('dialog', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('Carl’s CI');
    await form.getByRole('button', { name: 'Create key' }).click();
    await colleague.page.getByRole('dialog', { name: '“Carl’s CI” is ready' }).waitFor();
    const teams = await adminDb().collection(ACCOUNTS).where('slug', '==', 'browser-team').get();
    const teamId = teams.docs[0]?.id;
    const keys = await adminDb().collection(API_KEYS).where('label', '==', 'Carl’s CI').get();
    expect(keys.docs.map((doc) => [doc.get('account_id'), doc.get('created_by')])).toEqual([
      [teamId, await uidOf(colleague.account.email)],
    ]);

    await owner.page.goto(dashboardUrl('/t/browser-team/audit-log'));
    const row = owner.page.getByRole('row').filter({ hasText: 'Carl’s CI' });
    await row.waitFor();
    expect(await row.textContent()).toContain(colleague.account.email);
    expect(errors.flat()).toEqual([]);
  });

  it('offers a viewer no key actions', async () => {
    const owner = await person('Vera Owner');
    await owner.page.goto(dashboardUrl('/team'));
    await owner.page.getByRole('button', { name: 'Create a team' }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Create a team' });
    await dialog.getByLabel('Team name').fill('Viewing Team');
    await dialog.getByRole('button', { name: 'Create team' }).click();
    await owner.page.waitForURL('**/dashboard/t/viewing-team');
    await owner.page.goto(dashboardUrl('/t/viewing-team/keys'));
    await owner.page.getByRole('button', { name: 'Create key', exact: true }).click();
    const form = owner.page.getByRole('dialog', { name: 'Create an API key' });
    await form.getByLabel('Name').fill('Shared key');
    await form.getByRole('button', { name: 'Create key' }).click();
    await owner.page.getByRole('button', { name: 'I’ve saved my key' }).click();
    // The owner is offered the key's actions…
    await owner.page.getByRole('button', { name: 'Actions for Shared key' }).waitFor();

    const viewer = await person('Val Viewer');
    await accept(
      viewer.page,
      await invite(owner.page, 'viewing-team', viewer.account.email, 'Viewer'),
      'Viewing Team',
    );
    await viewer.page.goto(dashboardUrl('/t/viewing-team/keys'));
    // …the viewer sees the key, and neither a create button nor its actions.
    await viewer.page.getByRole('row').filter({ hasText: 'Shared key' }).waitFor();
    expect(await viewer.page.getByRole('button', { name: 'Create key', exact: true }).count()).toBe(0);
    expect(await viewer.page.getByRole('button', { name: 'Actions for Shared key' }).count()).toBe(0);
    expect(await viewer.page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    expect(errors.flat()).toEqual([]);
  });
});
