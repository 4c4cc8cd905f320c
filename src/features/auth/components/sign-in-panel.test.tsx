import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authCalls, emulatorAccounts, simulateOfflineEmulator } from '@/testing/mocks/firebase';
import { renderApp } from '@/testing/test-utils';

describe('sign-in against an offline Auth emulator', () => {
  it('offers the emulator’s accounts when its own chooser cannot open', async () => {
    const { user } = renderApp('/', { user: null });
    simulateOfflineEmulator();
    emulatorAccounts.google = [
      { sub: '111', email: 'demo@keymeter.dev', displayName: 'Demo Developer', photoUrl: null },
    ];

    await user.click(await screen.findByRole('button', { name: 'Continue with Google' }));
    const chooser = await screen.findByRole('dialog', { name: 'Sign in with a test Google account' });
    await user.click(await within(chooser).findByRole('button', { name: /Demo Developer/ }));

    expect(await screen.findByRole('heading', { name: /Welcome back, Demo/ })).toBeInTheDocument();
    expect(authCalls.emulatorSignIns).toEqual([
      {
        provider: 'google',
        account: { sub: '111', email: 'demo@keymeter.dev', displayName: 'Demo Developer', photoUrl: null },
      },
    ]);
  });

  it('adds a new GitHub test account', async () => {
    const { user } = renderApp('/', { user: null });
    simulateOfflineEmulator();

    await user.click(await screen.findByRole('button', { name: 'Continue with GitHub' }));
    const chooser = await screen.findByRole('dialog', { name: 'Sign in with a test GitHub account' });
    expect(await within(chooser).findByText(/The emulator has no GitHub accounts yet/)).toBeInTheDocument();

    await user.click(within(chooser).getByRole('button', { name: 'Add account and sign in' }));
    expect(within(chooser).getByLabelText('Email')).toHaveAccessibleDescription(
      'Enter an email address, e.g. ada@example.com',
    );

    await user.type(within(chooser).getByLabelText('Email'), 'grace@example.com');
    await user.type(within(chooser).getByLabelText(/^Name/), 'Grace Hopper{Enter}');

    expect(await screen.findByRole('heading', { name: /Welcome back, Grace/ })).toBeInTheDocument();
    expect(authCalls.emulatorSignIns[0]?.account).toMatchObject({
      email: 'grace@example.com',
      displayName: 'Grace Hopper',
    });
  });
});
