/**
 * Email sign-in in a real browser against the Auth emulator: a password with its verification
 * and reset, an email link in the browser that asked for it and on another device, and the
 * orders in which one address reaches one Firebase user (one personal account) by several ways.
 * The emulator sends no email; the tests follow the links it lists (support/auth-emulator.ts).
 *
 * Email enumeration protection is on, as in a project created since 2023: Firebase then never
 * says how an address signs in, and the dashboard must manage without.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNTS, USERS } from '../functions/src/lib/collections.js';
import { adminAuth, adminDb, clearEmulators, waitForQuery } from '../functions/src/test-support/emulators.js';
import { emailedLink, setEmailEnumerationProtection } from './support/auth-emulator.js';
import { PHONE, dashboardUrl, newContext, usePagePerTest, watchPageErrors } from './support/browser.js';
import { horizontalOverflow, screenshot } from './support/screenshots.js';
import { newAccount, signInWithChooser } from './support/sign-in.js';

const tab = usePagePerTest();
let protectionBefore = false;

beforeAll(async () => {
  await clearEmulators();
  protectionBefore = await setEmailEnumerationProtection(true);
});

afterAll(async () => {
  await setEmailEnumerationProtection(protectionBefore);
});

const PASSWORD = 'correct horse battery staple';

async function openSignIn(page: Page): Promise<void> {
  await page.goto(dashboardUrl('/sign-in'));
  await page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
}

async function signInWithPassword(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('button', { name: 'Use a password instead' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function askForSignInLink(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `We sent a sign-in link to ${email}` })
    .waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /^Account menu for / }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.getByText('You are signed out.').waitFor();
}

const overview = (page: Page) => page.getByRole('heading', { name: /^Welcome back/ });

/**
 * The Firebase user of an address, the ways it signs in, and the profiles Firestore has for it.
 * The dashboard's first API call creates the profile, after the page already greets the person:
 * `profile: 'created'` waits for it.
 */
async function accountOf(email: string, { profile }: { profile?: 'created' } = {}) {
  const user = await adminAuth().getUserByEmail(email);
  const byEmail = adminDb().collection(USERS).where('email', '==', email.toLowerCase());
  const profiles =
    profile === 'created'
      ? await waitForQuery(byEmail, (docs) => docs.length > 0)
      : (await byEmail.get()).docs;
  const personal = await adminDb().collection(ACCOUNTS).doc(user.uid).get();
  return {
    uid: user.uid,
    emailVerified: user.emailVerified,
    providers: user.providerData.map((info) => info.providerId).sort(),
    profileIds: profiles.map((doc) => doc.id),
    personalAccountOwner: personal.get('owner_uid') as unknown,
  };
}

describe('password', () => {
  it('signs up, is held at “verify your email” until the link is followed, then opens the dashboard (375 px)', async () => {
    const { page } = tab;
    await page.setViewportSize(PHONE);
    const { email } = newAccount('Dorothy Vaughan');
    await openSignIn(page);
    expect(await horizontalOverflow(page)).toEqual([]);
    await page.getByRole('button', { name: 'Use a password instead' }).click();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Use at least 8 characters').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await screenshot(page, 'sign-up');
    await page.getByRole('button', { name: 'Create account' }).click();

    await page.getByRole('heading', { name: 'Verify your email' }).waitFor();
    expect(await horizontalOverflow(page)).toEqual([]);
    await screenshot(page, 'verify-email');
    await page.getByRole('button', { name: 'I’ve verified my email' }).click();
    await page.getByText('Your address isn’t verified yet').waitFor();
    expect(await overview(page).count()).toBe(0);
    // The dashboard API was never reached by this session: it has no profile yet.
    expect((await accountOf(email)).profileIds).toEqual([]);

    // The emulator's link verifies the address and continues to the dashboard, as the email would.
    await page.goto(await emailedLink(email, 'VERIFY_EMAIL'));
    await overview(page).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    const account = await accountOf(email, { profile: 'created' });
    expect(account).toMatchObject({
      emailVerified: true,
      providers: ['password'],
      profileIds: [account.uid],
    });
    expect(account.personalAccountOwner).toBe(account.uid);
  });

  it('resets a forgotten password through the emailed link and signs in with the new one', async () => {
    const { page } = tab;
    const { email } = newAccount('Mary Jackson');
    await adminAuth().createUser({ email, password: 'the old password', emailVerified: true });
    await openSignIn(page);
    await page.getByRole('button', { name: 'Use a password instead' }).click();
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(`If ${email} has a Keymeter password, we sent it a link`).waitFor();

    // Firebase's hosted page asks for the new password; the emulator takes it in the link.
    const link = await emailedLink(email, 'PASSWORD_RESET');
    await page.goto(`${link}&newPassword=${encodeURIComponent(PASSWORD)}`);
    await page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();

    await signInWithPassword(page, email, 'the old password');
    await page.getByRole('alert').getByText('Wrong email or password.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await overview(page).waitFor();
  });
});

describe('email link', () => {
  it('signs in from the link in the browser that asked for it, and asks for the address on another device', async () => {
    const { page } = tab;
    const { email } = newAccount('Hedy Lamarr');
    await page.goto(dashboardUrl('/keys'));
    await page.getByRole('heading', { name: 'Sign in to Keymeter' }).waitFor();
    await askForSignInLink(page, email);
    const firstLink = await emailedLink(email, 'EMAIL_SIGNIN');
    await page.goto(firstLink);
    // Where the visitor was going when they asked for the link.
    await page.getByRole('heading', { name: 'API keys', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard/keys');
    const first = await accountOf(email, { profile: 'created' });
    expect(first).toMatchObject({ emailVerified: true, providers: ['password'], profileIds: [first.uid] });

    await signOut(page);
    await askForSignInLink(page, email);
    const second = await emailedLink(email, 'EMAIL_SIGNIN', { other: firstLink });

    const browser = page.context().browser();
    if (!browser) throw new Error('no browser behind the page');
    const otherDevice = await newContext(browser);
    try {
      const phone = await otherDevice.newPage();
      const errors = watchPageErrors(phone);
      await phone.goto(second);
      await phone.getByRole('heading', { name: 'Confirm your email' }).waitFor();
      await phone.getByLabel('Email').fill('someone.else@example.test');
      await phone.getByRole('button', { name: 'Sign in', exact: true }).click();
      await phone.getByRole('alert').getByText('That is not the address this link was sent to.').waitFor();
      await phone.getByLabel('Email').fill(email);
      await phone.getByRole('button', { name: 'Sign in', exact: true }).click();
      // This link was asked for from the plain sign-in page (after signing out): it opens Overview.
      await overview(phone).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await otherDevice.close();
    }
    expect((await accountOf(email)).uid).toBe(first.uid);
  });
});

describe('one person, one account', () => {
  it('Google first, then an email link: the link opens the same account', async () => {
    const { page } = tab;
    const ada = newAccount('Ada Lovelace');
    await openSignIn(page);
    await signInWithChooser(page, 'google', ada);
    await overview(page).waitFor();
    const before = await accountOf(ada.email, { profile: 'created' });

    await signOut(page);
    await askForSignInLink(page, ada.email);
    await page.goto(await emailedLink(ada.email, 'EMAIL_SIGNIN'));
    await page.getByRole('heading', { name: 'Welcome back, Ada' }).waitFor();
    const after = await accountOf(ada.email);
    expect(after.uid).toBe(before.uid);
    expect(after.profileIds).toEqual([before.uid]);
    expect(after.providers).toEqual(['google.com', 'password']);
  });

  it('Google first, then a password sign-up: refused, then added once they sign in with Google', async () => {
    const { page } = tab;
    const grace = newAccount('Grace Hopper');
    await openSignIn(page);
    await signInWithChooser(page, 'google', grace);
    await overview(page).waitFor();
    const { uid } = await accountOf(grace.email, { profile: 'created' });
    await signOut(page);

    await page.getByRole('button', { name: 'Use a password instead' }).click();
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(grace.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'already has a Keymeter account' });
    await notice
      .getByText('Sign in the way you did before: Google, GitHub, an email link or your password.')
      .waitFor();

    await signInWithChooser(page, 'google', grace, { existing: true });
    await page.getByRole('heading', { name: 'Welcome back, Grace' }).waitFor();
    await page.getByText('Password added', { exact: true }).waitFor();
    expect((await accountOf(grace.email)).providers).toEqual(['google.com', 'password']);

    await signOut(page);
    await signInWithPassword(page, grace.email, PASSWORD);
    await page.getByRole('heading', { name: 'Welcome back, Grace' }).waitFor();
    const after = await accountOf(grace.email);
    expect(after.uid).toBe(uid);
    expect(after.profileIds).toEqual([uid]);
  });

  it('a password first, then GitHub (whose address Firebase does not trust): linked after the password sign-in', async () => {
    const { page } = tab;
    const linus = newAccount('Linus Torvalds');
    await adminAuth().createUser({ email: linus.email, password: PASSWORD, emailVerified: true });
    await openSignIn(page);
    await signInWithPassword(page, linus.email, PASSWORD);
    await overview(page).waitFor();
    const { uid } = await accountOf(linus.email, { profile: 'created' });
    await signOut(page);

    // Firebase marks GitHub addresses unverified; the emulator's chooser claims every address
    // verified and so would merge the accounts silently (firebase-tools#6340). The claim the
    // chooser hands the SDK is set to what GitHub sign-ins carry in production.
    await page.route(/\/accounts:signInWithIdp/, async (route) => {
      const body = route.request().postDataJSON() as { requestUri?: string; idToken?: string };
      const requestUri = new URL(body.requestUri ?? 'http://localhost');
      const claims = requestUri.searchParams.get('id_token');
      if (requestUri.searchParams.get('providerId') === 'github.com' && claims !== null) {
        requestUri.searchParams.set(
          'id_token',
          JSON.stringify({ ...JSON.parse(claims), email_verified: false }),
        );
        body.requestUri = requestUri.toString();
      }
      await route.continue({ postData: JSON.stringify(body) });
    });
    await signInWithChooser(page, 'github', linus);
    const notice = page
      .getByRole('status')
      .filter({ hasText: `${linus.email} already has a Keymeter account` });
    await notice.getByText('We’ll then add GitHub to the same account').waitFor();
    expect(await page.getByLabel('Email').inputValue()).toBe(linus.email);
    expect((await accountOf(linus.email)).providers).toEqual(['password']);

    await signInWithPassword(page, linus.email, PASSWORD);
    await overview(page).waitFor();
    await page.getByText('GitHub is now connected', { exact: true }).waitFor();
    expect((await accountOf(linus.email)).providers).toEqual(['github.com', 'password']);

    await signOut(page);
    await signInWithChooser(page, 'github', linus, { existing: true });
    await page.getByRole('heading', { name: /^Welcome back/ }).waitFor();
    const after = await accountOf(linus.email);
    expect(after.uid).toBe(uid);
    expect(after.profileIds).toEqual([uid]);
  });
});
