import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { db } from '@/testing/mocks/db';
import { TEST_USER } from '@/testing/mocks/firebase';
import { apiLog } from '@/testing/mocks/handlers';
import { buildInvitationToken, seedInvitationLink } from '@/testing/mocks/team';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

const accepts = () => apiLog.filter((entry) => entry.method === 'POST' && entry.path.endsWith('/accept'));

describe('invitation page', () => {
  describe('happy path', () => {
    it('shows the team, the role and the invited address, and accepting opens the team', async () => {
      const { token } = seedInvitationLink({ team: 'Acme', slug: 'acme', role: 'admin' });
      const { user, router } = renderApp(`/invitations/${token}`);

      expect(await screen.findByRole('heading', { name: 'Join Acme' })).toBeInTheDocument();
      expect(screen.getByText('Admin')).toBeInTheDocument();
      expect(screen.getByText('ada@example.com')).toBeInTheDocument();
      expect(screen.getByText(/olive@example.com invited you/)).toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: 'Accept and join Acme' }));

      await waitFor(() => expect(router.state.location.pathname).toBe('/dashboard/t/acme'));
      expect(await screen.findByText('You joined Acme')).toBeInTheDocument();
      expect(accepts().map((entry) => entry.path)).toEqual([`/invitations/${token}/accept`]);
      await waitFor(() =>
        expect(screen.getByRole('button', { name: /^Switch account/ })).toHaveAccessibleName(
          'Switch account (current: Acme)',
        ),
      );
    });

    it('brings a signed-out visitor back to the invitation after signing in', async () => {
      const { token } = seedInvitationLink();
      const { user, router } = renderApp(`/invitations/${token}`, { user: null });
      expect(await screen.findByRole('heading', { name: 'Sign in to Keymeter' })).toBeInTheDocument();
      expect(router.state.location.search).toBe(`?redirect=${encodeURIComponent(`/invitations/${token}`)}`);

      await user.click(screen.getByRole('button', { name: 'Continue with Google' }));

      expect(await screen.findByRole('heading', { name: 'Join Acme' })).toBeInTheDocument();
      expect(router.state.location.pathname).toBe(`/dashboard/invitations/${token}`);
    });
  });

  describe('refusals', () => {
    it('tells a user signed in with another address to sign in with the invited one, and offers no accept', async () => {
      const { token } = seedInvitationLink({ email: 'grace@example.com' });
      renderApp(`/invitations/${token}`);
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('This invitation is for another address');
      expect(alert).toHaveTextContent(`You are signed in as ${TEST_USER.email}`);
      expect(alert).toHaveTextContent('sign in as grace@example.com');
      expect(screen.queryByRole('button', { name: /^Accept/ })).not.toBeInTheDocument();
    });

    it('shows the API’s refusal when the address differs in a way the page cannot see', async () => {
      const { token } = seedInvitationLink({ email: 'ada@example.com' });
      // The session's address matches, but the account's verified one (the API's) does not.
      db.profile.email = 'ada@elsewhere.example';
      const { user } = renderApp(`/invitations/${token}`);
      await user.click(await screen.findByRole('button', { name: 'Accept and join Acme' }));
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'This invitation is for ada@example.com. Sign in with that address to accept it.',
      );
    });

    it.each([
      ['expired', 'This invitation has expired'],
      ['accepted', 'This invitation was already used'],
      ['revoked', 'This invitation was withdrawn'],
    ] as const)('explains an invitation that is %s', async (status, title) => {
      const { token } = seedInvitationLink({ status });
      renderApp(`/invitations/${token}`);
      expect(await screen.findByRole('heading', { name: title })).toBeInTheDocument();
      expect(screen.queryByRole('button', { name: /^Accept/ })).not.toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Go to Overview' })).toHaveAttribute('href', '/dashboard');
    });

    it('says a link the API does not know does not work', async () => {
      renderApp(`/invitations/${buildInvitationToken()}`);
      expect(
        await screen.findByRole('heading', { name: 'This invitation link doesn’t work' }),
      ).toBeInTheDocument();
    });

    it('does not ask the API about something that is not a token', async () => {
      renderApp('/invitations/not-a-token');
      await waitForLoaded();
      expect(
        await screen.findByRole('heading', { name: 'This invitation link doesn’t work' }),
      ).toBeInTheDocument();
      expect(apiLog.some((entry) => entry.path.startsWith('/invitations/'))).toBe(false);
    });
  });
});
