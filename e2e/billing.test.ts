/**
 * Billing in a real browser: a Free account upgrades through the Stripe stand-in's hosted
 * Checkout, its key gets Pro's quota, then it cancels in the hosted Customer Portal and is back
 * on Free once the stand-in's clock passes the period end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_CACHE_TTL_EMULATOR_MS } from '../functions/src/keys/key-cache.js';
import { ACCOUNT_BUDGETS, ACCOUNTS, API_KEYS } from '../functions/src/lib/collections.js';
import { utcPeriod } from '../functions/src/shared/dates.js';
import { PLANS } from '../functions/src/shared/plans.js';
import { adminDb, clearEmulators, untilElapsed } from '../functions/src/test-support/emulators.js';
import { useStripeStandIn, type StandIn } from '../functions/src/test-support/stripe-stand-in.js';
import { dashboardUrl, usePagePerTest } from './support/browser.js';
import { callApi, createKeyAndClose, uidOf } from './support/keys.js';
import { region, reloadUntilVisible, waitForLoaded } from './support/pages.js';
import { screenshot } from './support/screenshots.js';
import { newAccount, signIn } from './support/sign-in.js';

/** Stripe's webhook reaches Keymeter and the page's polling picks it up. */
const UPGRADE_SHOWS_WITHIN_MS = 30_000;

let standIn: StandIn;

const tab = usePagePerTest();

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
});

afterAll(async () => {
  await standIn?.stop();
});

function currentPlan(): ReturnType<typeof region> {
  return region(tab.page, 'Current plan');
}

function quotaBar(label: string) {
  return currentPlan().getByRole('progressbar', {
    name: `${label}: units this month of the account’s quota`,
  });
}

describe('billing', () => {
  it('upgrades Free to Pro through Checkout, then cancels in the portal and is back on Free after the period', async () => {
    const account = newAccount('Ada Lovelace');
    await signIn(tab.page, 'google', account);
    const uid = await uidOf(account.email);
    const key = await createKeyAndClose(tab.page, 'Busy service');

    // Fixture: the account has used up the Free plan's month, in its key's counter and in the
    // ledger the API leases its budget from.
    const period = utcPeriod(new Date());
    await adminDb()
      .collection(API_KEYS)
      .doc(key.id)
      .update({ monthly_usage: PLANS.free.monthly_limit, usage_period: period });
    await adminDb()
      .collection(ACCOUNT_BUDGETS)
      .doc(uid)
      .set({ account_id: uid, period, period_granted: PLANS.free.monthly_limit, windows: {} });
    expect(await callApi(key.secret)).toEqual({ status: 429, code: 'quota_exceeded' });

    // Billing shows Free, the key at its quota, and the way up.
    await tab.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
    await waitForLoaded(tab.page);
    await currentPlan().getByText('Free forever').waitFor();
    expect(await quotaBar('Busy service').getAttribute('aria-valuemax')).toBe('1000');
    expect(await currentPlan().getByRole('button', { name: 'Manage billing' }).count()).toBe(0);

    // Upgrade: off to the stand-in's hosted Checkout, pay, and back.
    await tab.page.getByRole('button', { name: 'Upgrade to Pro' }).click();
    await tab.page.waitForURL((url) => url.href.startsWith(`${standIn.url}/checkout/`));
    expect(await tab.page.locator('#customer-email').textContent()).toBe(account.email);
    await screenshot(tab.page, 'stripe-checkout');
    await tab.page.locator('#pay').click();
    await tab.page.waitForURL(
      (url) =>
        url.pathname === '/dashboard/billing' &&
        url.searchParams.get('checkout') === 'success' &&
        url.searchParams.get('session_id')?.startsWith('cs_') === true,
    );

    // The page confirms the upgrade by itself once Stripe's webhook has moved the account.
    const upgraded = tab.page.getByText('You’re on the Pro plan', { exact: true });
    await upgraded.waitFor({ timeout: UPGRADE_SHOWS_WITHIN_MS });
    await screenshot(tab.page, 'billing-upgraded');
    await currentPlan().getByText('Active', { exact: true }).waitFor();
    expect(await currentPlan().textContent()).toContain('Units a month100,000');
    expect(await quotaBar('Busy service').getAttribute('aria-valuemax')).toBe('100000');
    await tab.page
      .getByRole('button', { name: 'Account menu for Ada Lovelace' })
      .getByText('Pro plan')
      .waitFor();
    const upgradedAt = Date.now();

    // A call beyond the Free quota now goes through: the next lease reads the account's new plan.
    await untilElapsed(upgradedAt, KEY_CACHE_TTL_EMULATOR_MS);
    expect(await callApi(key.secret)).toEqual({ status: 200, code: null });

    // Manage billing: the stand-in's hosted Customer Portal, cancel at the end of the period.
    await currentPlan().getByRole('button', { name: 'Manage billing' }).click();
    await tab.page.waitForURL((url) => url.href.startsWith(`${standIn.url}/portal/`));
    expect(await tab.page.locator('#plan-name').textContent()).toContain('Pro');
    await tab.page.locator('#cancel-at-period-end').click();
    await tab.page.locator('#portal-message').waitFor();
    await screenshot(tab.page, 'stripe-portal-canceled');
    await tab.page.locator('#return-link').click();
    await tab.page.waitForURL((url) => url.href === dashboardUrl('/billing'));

    // Still Pro until the period ends, and the page says when that is.
    const billingHeading = tab.page.getByRole('heading', { name: 'Billing', exact: true });
    await reloadUntilVisible(tab.page, currentPlan().getByText(/^Your Pro plan ends on /), {
      ready: billingHeading,
    });
    expect(await currentPlan().textContent()).toMatch(/Cancels on/);
    await currentPlan().getByText('Doesn’t renew', { exact: true }).waitFor();
    await screenshot(tab.page, 'billing-cancels');
    const profile = await adminDb().collection(ACCOUNTS).doc(uid).get();
    const subscriptionId: unknown = profile.get('stripe_subscription_id');
    expect(subscriptionId).toMatch(/^sub_/);
    expect(profile.get('plan_tier')).toBe('pro');

    // The stand-in's clock passes the period end: Stripe ends the subscription, Keymeter follows.
    await standIn.advanceClock({ to_period_end_of: subscriptionId });
    await reloadUntilVisible(tab.page, currentPlan().getByText('Free forever'), { ready: billingHeading });
    expect(await quotaBar('Busy service').getAttribute('aria-valuemax')).toBe('1000');
    expect(await tab.page.getByRole('button', { name: 'Upgrade to Pro' }).isEnabled()).toBe(true);
    const downgradedAt = Date.now();

    // The key is back on Free's quota, which it has long used up.
    await untilElapsed(downgradedAt, KEY_CACHE_TTL_EMULATOR_MS);
    expect(await callApi(key.secret)).toEqual({ status: 429, code: 'quota_exceeded' });
  });

  it('says nothing changed when Checkout is canceled', async () => {
    await signIn(tab.page, 'github', newAccount('Grace Hopper'));
    await tab.page.goto(dashboardUrl('/billing'));
    await tab.page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    await tab.page.waitForURL((url) => url.href.startsWith(`${standIn.url}/checkout/`));
    await tab.page.locator('#cancel-link').click();
    await tab.page.waitForURL(
      (url) => url.pathname === '/dashboard/billing' && url.searchParams.get('checkout') === 'canceled',
    );
    await tab.page.getByText('Checkout canceled', { exact: true }).waitFor();
    await currentPlan().getByText('Free forever').waitFor();
  });
});
