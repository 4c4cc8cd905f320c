import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authCalls, emailAuth } from '@/testing/mocks/firebase';
import { renderApp } from '@/testing/test-utils';

const LINK_URL = (email: string) =>
  `/sign-in?redirect=%2Fkeys&mode=signIn&oobCode=code-1&apiKey=k&email=${email}`;

describe('email sign-in: happy path', () => {
  it('emails a sign-in link that comes back to where the visitor was going', async () => {
    const { user } = renderApp('/keys', { user: null });
    await user.type(await screen.findByLabelText('Email'), '  grace@example.com ');
    await user.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));

    const sent = await screen.findByRole('status');
    expect(sent).toHaveTextContent('We sent a sign-in link to grace@example.com');
    expect(authCalls.emailLinksSent).toEqual([
      {
        email: 'grace@example.com',
        continueUrl: `${window.location.origin}/dashboard/sign-in?redirect=%2Fkeys`,
      },
    ]);
  });

  it('finishes an email link in the browser that asked for it, without asking again', async () => {
    const { router } = renderApp(LINK_URL('grace%40example.com'), { user: null });
    // After renderApp (which resets the stand-in), before the lazily loaded page reads it.
    emailAuth.rememberedEmail = 'grace@example.com';
    expect(await screen.findByRole('heading', { name: 'API keys' })).toBeInTheDocument();
    expect(router.state.location.pathname).toBe('/dashboard/keys');
    expect(authCalls.emailLinkSignIns.map(({ email }) => email)).toEqual(['grace@example.com']);
  });

  it('signs up with a password, asks for the verification, then opens the dashboard', async () => {
    const { user } = renderApp('/', { user: null });
    await user.click(await screen.findByRole('button', { name: 'Use a password instead' }));
    await user.click(screen.getByRole('button', { name: 'Create an account' }));
    await user.type(screen.getByLabelText('Email'), 'grace@example.com');
    await user.type(screen.getByLabelText('Password'), 'short');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Use at least 8 characters');
    expect(authCalls.passwordSignUps).toEqual([]);

    await user.type(screen.getByLabelText('Password'), ' and long enough');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    expect(await screen.findByRole('heading', { name: 'Verify your email' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: /Welcome back/ })).not.toBeInTheDocument();
    expect(authCalls.passwordSignUps).toEqual([
      {
        email: 'grace@example.com',
        password: 'short and long enough',
        continueUrl: `${window.location.origin}/dashboard`,
      },
    ]);
    // The screen checks by itself when it opens.
    expect(authCalls.verificationChecks).toBeGreaterThan(0);

    await user.click(screen.getByRole('button', { name: 'I’ve verified my email' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Your address isn’t verified yet');

    await user.click(screen.getByRole('button', { name: 'Send the link again' }));
    expect(await screen.findByRole('status')).toHaveTextContent('We sent a new link to grace@example.com');
    expect(authCalls.verificationEmails).toBe(1);

    emailAuth.verifiedOnNextCheck = true;
    await user.click(screen.getByRole('button', { name: 'I’ve verified my email' }));
    expect(await screen.findByRole('heading', { name: /Welcome back/ })).toBeInTheDocument();
  });

  it('sends a password reset link without saying whether the address has an account', async () => {
    const { user } = renderApp('/', { user: null });
    await user.click(await screen.findByRole('button', { name: 'Use a password instead' }));
    await user.click(screen.getByRole('button', { name: 'Forgot your password?' }));
    await user.type(screen.getByLabelText('Email'), 'nobody@example.com');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(await screen.findByRole('status')).toHaveTextContent(
      'If nobody@example.com has a Keymeter password, we sent it a link to choose a new one.',
    );
    expect(authCalls.passwordResets).toEqual([
      { email: 'nobody@example.com', continueUrl: `${window.location.origin}/dashboard/sign-in` },
    ]);
    await user.click(screen.getByRole('button', { name: 'Back to sign in' }));
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeInTheDocument();
  });
});

describe('email sign-in: errors', () => {
  it('checks the address before sending anything', async () => {
    const { user } = renderApp('/', { user: null });
    await user.type(await screen.findByLabelText('Email'), 'not-an-address');
    await user.click(screen.getByRole('button', { name: 'Email me a sign-in link' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription(
      'Enter an email address, e.g. ada@example.com',
    );
    expect(authCalls.emailLinksSent).toEqual([]);
  });

  it('explains a wrong password without saying whether the address exists', async () => {
    const { user } = renderApp('/', { user: null });
    emailAuth.accounts.set('grace@example.com', { password: 'the right one', providers: ['password'] });
    await user.click(await screen.findByRole('button', { name: 'Use a password instead' }));
    await user.type(screen.getByLabelText('Email'), 'grace@example.com');
    await user.type(screen.getByLabelText('Password'), 'the wrong one');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Wrong email or password. If you signed up with Google or GitHub, continue with it instead, or email yourself a sign-in link.',
    );
    expect(screen.getByRole('heading', { name: 'Sign in to Keymeter' })).toBeInTheDocument();
  });

  it('asks for the address again when the link is opened in another browser, and insists on the right one', async () => {
    const { user } = renderApp(LINK_URL('grace%40example.com'), { user: null });
    expect(await screen.findByRole('heading', { name: 'Confirm your email' })).toBeInTheDocument();

    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'That is not the address this link was sent to.',
    );

    await user.clear(screen.getByLabelText('Email'));
    await user.type(screen.getByLabelText('Email'), 'grace@example.com');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { name: 'API keys' })).toBeInTheDocument();
  });
});

describe('email sign-in: one person, one account', () => {
  it('adds the password of a refused sign-up once the person signs in the way they did before', async () => {
    const { user } = renderApp('/', { user: null });
    emailAuth.accounts.set('ada@example.com', { password: null, providers: ['google.com'] });
    await user.click(await screen.findByRole('button', { name: 'Use a password instead' }));
    await user.click(screen.getByRole('button', { name: 'Create an account' }));
    await user.type(screen.getByLabelText('Email'), 'ada@example.com');
    await user.type(screen.getByLabelText('Password'), 'a new password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));

    const notice = await screen.findByRole('status');
    expect(notice).toHaveTextContent('ada@example.com already has a Keymeter account');
    // Email enumeration protection hides how the account signs in: every way is named.
    expect(notice).toHaveTextContent(
      'Sign in the way you did before: Google, GitHub, an email link or your password. We’ll then add this password to the same account',
    );
    expect(screen.getByLabelText('Email')).toHaveValue('ada@example.com');
    expect(authCalls.links).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Continue with Google' }));
    expect(await screen.findByRole('heading', { name: /Welcome back, Ada/ })).toBeInTheDocument();
    expect(authCalls.links).toEqual([
      { email: 'ada@example.com', method: 'password', password: 'a new password' },
    ]);
    expect(await screen.findByText('Password added')).toBeInTheDocument();
  });

  it('does not add it to an account with another address, and says so', async () => {
    const { user } = renderApp('/', { user: null });
    emailAuth.accounts.set('grace@example.com', { password: null, providers: ['google.com'] });
    await user.click(await screen.findByRole('button', { name: 'Use a password instead' }));
    await user.click(screen.getByRole('button', { name: 'Create an account' }));
    await user.type(screen.getByLabelText('Email'), 'grace@example.com');
    await user.type(screen.getByLabelText('Password'), 'a new password');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await screen.findByText(/already has a Keymeter account/);

    // The stand-in's Google account is ada@example.com.
    await user.click(screen.getByRole('button', { name: 'Continue with Google' }));
    expect(await screen.findByRole('heading', { name: /Welcome back, Ada/ })).toBeInTheDocument();
    expect(authCalls.links).toEqual([]);
    const toast = (await screen.findByText('Password not added')).closest('li');
    expect(toast).not.toBeNull();
    if (toast) expect(within(toast).getByText(/another address than grace@example.com/)).toBeInTheDocument();
  });
});
