/**
 * Usage billing in a real browser against the whole stack and the Stripe stand-in: a Free
 * account buys credits through the hosted Checkout, spends them on /v1 until the API answers
 * 402, and tops up; a Pro account cancels at period end and resumes from the Billing page; a Pro
 * account that allows overage goes past its included units and sees the overage in its upcoming
 * invoice once the reporter has sent it to the stand-in's billing meter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportOverage } from '../functions/src/billing/overage-reporter.js';
import { ACCOUNT_BUDGETS, ACCOUNTS, API_USAGE_DAILY } from '../functions/src/lib/collections.js';
import { utcPeriod } from '../functions/src/shared/dates.js';
import { PLANS } from '../functions/src/shared/plans.js';
import { adminDb, apiCall, clearEmulators } from '../functions/src/test-support/emulators.js';
import { useStripeStandIn, type StandIn } from '../functions/src/test-support/stripe-stand-in.js';
import { usePagePerTest } from './support/browser.js';
import { callApi, createKeyAndClose, uidOf } from './support/keys.js';
import { region, reloadUntilVisible, waitForLoaded } from './support/pages.js';
import { screenshot } from './support/screenshots.js';
import { newAccount, signIn } from './support/sign-in.js';

/** Stripe's webhook reaches Keymeter and the page's polling picks it up. */
const WEBHOOK_SHOWS_WITHIN_MS = 30_000;

let standIn: StandIn;

const tab = usePagePerTest();

beforeAll(async () => {
  await clearEmulators();
  standIn = await useStripeStandIn();
  // The overage test dates meter events by the wall clock: Stripe's must agree with it.
  await standIn.resetToRealTime();
});

afterAll(async () => {
  await standIn?.stop();
});

const credits = () => region(tab.page, 'Prepaid credits');
const currentPlan = () => region(tab.page, 'Current plan');

async function openBilling(): Promise<void> {
  await tab.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  await waitForLoaded(tab.page);
}

/** Buy credits on the Billing page, pay on the stand-in's Checkout, and wait for the balance. */
async function buyCredits(balanceAfter: string): Promise<void> {
  await credits().getByRole('radio', { name: '10,000 credits · $5.00' }).check();
  await credits().getByRole('button', { name: 'Buy credits' }).click();
  await tab.page.waitForURL((url) => url.href.startsWith(`${standIn.url}/checkout/`));
  await tab.page.locator('#pay').click();
  await tab.page.waitForURL(
    (url) => url.pathname === '/dashboard/billing' && url.searchParams.get('credits') === 'success',
  );
  await credits().getByText(balanceAfter, { exact: true }).waitFor({ timeout: WEBHOOK_SHOWS_WITHIN_MS });
}

/** Billing → Upgrade to Pro, paid on the stand-in's Checkout, until the page says so. */
async function upgradeToPro(): Promise<void> {
  await openBilling();
  await tab.page.getByRole('button', { name: 'Upgrade to Pro' }).click();
  await tab.page.waitForURL((url) => url.href.startsWith(`${standIn.url}/checkout/`));
  await tab.page.locator('#pay').click();
  await tab.page
    .getByText('You’re on the Pro plan', { exact: true })
    .waitFor({ timeout: WEBHOOK_SHOWS_WITHIN_MS });
}

/** Polls /v1 until it answers `status`, within the lease bound (the API reads grants per lease). */
async function untilApiAnswers(secret: string, status: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last = await callApi(secret);
  while (last.status !== status && Date.now() < deadline) last = await callApi(secret);
  expect(last.status).toBe(status);
}

describe('usage billing in the browser', () => {
  it('buys credits, spends them until the API answers 402, and tops up', async () => {
    const account = newAccount('Katherine Johnson');
    await signIn(tab.page, 'google', account);
    const uid = await uidOf(account.email);
    const key = await createKeyAndClose(tab.page, 'Batch jobs');
    // Fixture: the account's Free units of this month are all handed out already.
    const period = utcPeriod(new Date());
    await adminDb()
      .collection(ACCOUNT_BUDGETS)
      .doc(uid)
      .set({ account_id: uid, period, period_granted: PLANS.free.monthly_limit, windows: {} });
    expect(await callApi(key.secret)).toEqual({ status: 429, code: 'quota_exceeded' });

    await openBilling();
    await credits().getByText('No credits yet').waitFor();
    await buyCredits('10,000');
    await screenshot(tab.page, 'billing-credits-bought');

    // Spend them all in one metered call, and the next call is refused for want of credits.
    await untilApiAnswers(key.secret, 200);
    const spent = await apiCall(null, '/keys/verify', {
      method: 'POST',
      body: { key: key.secret, cost: 9_999 },
    });
    expect(await spent.json()).toMatchObject({ valid: true, units: 9_999 });
    expect(await callApi(key.secret)).toEqual({ status: 402, code: 'insufficient_credits' });

    const billingHeading = tab.page.getByRole('heading', { name: 'Billing', exact: true });
    await reloadUntilVisible(tab.page, credits().getByText(/^Spent: calls beyond the included units/), {
      ready: billingHeading,
    });
    expect(await credits().getByRole('table', { name: 'Credit ledger' }).textContent()).toContain('-10,000');

    await buyCredits('10,000');
    await untilApiAnswers(key.secret, 200);
  });

  it('cancels a Pro plan at period end from the Billing page, and resumes it', async () => {
    const account = newAccount('Dorothy Vaughan');
    await signIn(tab.page, 'github', account);
    await upgradeToPro();

    await currentPlan().getByRole('button', { name: 'Cancel plan' }).click();
    const dialog = tab.page.getByRole('alertdialog', { name: 'Cancel the Pro plan?' });
    await dialog.getByRole('button', { name: 'Cancel at period end' }).click();
    await currentPlan().getByText('Doesn’t renew', { exact: true }).waitFor();
    await currentPlan()
      .getByText(/^Your Pro plan ends on /)
      .waitFor();
    await screenshot(tab.page, 'billing-cancel-at-period-end');

    await currentPlan().getByRole('button', { name: 'Resume Pro' }).click();
    await currentPlan().getByRole('button', { name: 'Cancel plan' }).waitFor();
    expect(await currentPlan().getByText('Doesn’t renew', { exact: true }).count()).toBe(0);
    const stored = await adminDb()
      .collection(ACCOUNTS)
      .doc(await uidOf(account.email))
      .get();
    const subscriptions = await standIn.stripe.subscriptions.list({
      customer: String(stored.get('stripe_customer_id')),
    });
    expect(subscriptions.data.map((subscription) => subscription.cancel_at_period_end)).toEqual([false]);

    // The invoice of the first month is listed, with its hosted page.
    const invoices = region(tab.page, 'Invoices');
    await invoices.getByText('Paid', { exact: true }).waitFor();
    expect(await invoices.getByRole('link', { name: /^View invoice / }).getAttribute('href')).toMatch(
      new RegExp(`^${standIn.url}/`),
    );
  });

  it('allows overage on Pro, goes past the included units, and shows the overage on the upcoming invoice', async () => {
    const account = newAccount('Mary Jackson');
    await signIn(tab.page, 'google', account);
    const uid = await uidOf(account.email);
    await upgradeToPro();
    const overage = region(tab.page, 'Beyond the included units');
    await overage.getByText('Allow overage', { exact: true }).click();
    await overage.getByRole('button', { name: 'Save' }).click();
    await overage.getByText(/^Calls go on, billed at \$0\.50 per 1,000 units/).waitFor();
    await expect
      .poll(async () => (await adminDb().collection(ACCOUNTS).doc(uid).get()).get('billing_settings'), {
        timeout: 10_000,
      })
      .toEqual({ overage: 'allow', spend_cap_cents: null });

    // Fixture: Pro's included units of this month are all handed out already.
    const key = await createKeyAndClose(tab.page, 'Nightly sync');
    await adminDb()
      .collection(ACCOUNT_BUDGETS)
      .doc(uid)
      .set({
        account_id: uid,
        period: utcPeriod(new Date()),
        period_granted: PLANS.pro.monthly_limit,
        windows: {},
      });
    const beyond = await apiCall(null, '/keys/verify', {
      method: 'POST',
      body: { key: key.secret, cost: 2_500 },
    });
    expect(await beyond.json()).toMatchObject({ valid: true, units: 2_500 });

    // Folded as overage, then reported to the stand-in's meter, as the hourly reporter does.
    await expect
      .poll(
        async () => {
          const days = await adminDb().collection(API_USAGE_DAILY).where('account_id', '==', uid).get();
          return days.docs.reduce((sum, doc) => sum + Number(doc.get('overage_units') ?? 0), 0);
        },
        { timeout: 30_000 },
      )
      .toBe(2_500);
    const run = await reportOverage({ stripe: standIn.stripe, eventName: 'keymeter_overage_units' });
    expect(run.reported).toBe(1);

    await openBilling();
    const lines = region(tab.page, 'Upcoming invoice').getByRole('table', { name: 'Upcoming invoice lines' });
    const overageLine = lines.getByRole('row').filter({ hasText: 'Overage units' });
    await reloadUntilVisible(tab.page, overageLine, {
      ready: tab.page.getByRole('heading', { name: 'Billing', exact: true }),
    });
    // 2,500 units at $0.50 per 1,000, billed per started 1,000: $1.50.
    expect(await overageLine.textContent()).toMatch(/2,500.*\$1\.50/);
    await screenshot(tab.page, 'billing-upcoming-overage');
  });
});
