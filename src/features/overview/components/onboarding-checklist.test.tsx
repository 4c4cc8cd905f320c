import { screen, waitFor, within } from '@testing-library/react';
import { http } from 'msw';
import { describe, expect, it } from 'vitest';
import { ONBOARDING_POLL_MS } from '@/features/overview/api/get-onboarding';
import { buildKey, db } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { seedTeam } from '@/testing/mocks/team';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

/** Long enough for one more poll to have been asked and answered. */
const NEXT_POLL_MS = ONBOARDING_POLL_MS + 2_000;

function onboardingRequests(method: string) {
  return apiLog.filter((entry) => entry.method === method && entry.path.endsWith('/onboarding'));
}

function steps(checklist: HTMLElement): (string | null)[] {
  return within(within(checklist).getByRole('list', { name: 'Steps' }))
    .getAllByRole('listitem')
    .map((item) => item.querySelector('p')?.textContent ?? null);
}

async function openChecklist(path = '/') {
  const rendered = renderApp(path);
  const checklist = await screen.findByRole('region', { name: 'Get started' });
  return { ...rendered, checklist };
}

function nothingButTheLastStep() {
  db.keys = [buildKey({ label: 'First key' })];
  db.onboarding.first_call = true;
  db.onboarding.call_counted = true;
}

// A poll every 2 s, waited for on the real clock: slower than most component tests.
describe('onboarding checklist', { timeout: 20_000 }, () => {
  describe('happy path', () => {
    it('shows a new account its steps, none done, and where each starts', async () => {
      const { checklist } = await openChecklist();
      expect(checklist).toHaveTextContent('0 of 4 done');
      expect(steps(checklist)).toEqual([
        'Create an API keyTo do',
        'Make your first callTo do',
        'See it countedTo do',
        'Pick a planTo do',
      ]);
      expect(within(checklist).getByRole('link', { name: 'Create a key' })).toHaveAttribute(
        'href',
        '/dashboard/keys?create=1',
      );
      expect(within(checklist).getByRole('link', { name: 'Try it in the API reference' })).toHaveAttribute(
        'href',
        '/dashboard/docs',
      );
      expect(within(checklist).getByRole('link', { name: 'Open Usage' })).toHaveAttribute(
        'href',
        '/dashboard/usage',
      );
      expect(within(checklist).getByRole('link', { name: 'Compare plans' })).toHaveAttribute(
        'href',
        '/dashboard/billing',
      );
      // Without a key yet, the first call shows a placeholder.
      expect(checklist).toHaveTextContent('Authorization: Bearer sk_live_YOUR_KEY');
    });

    it('opens the Keys page’s create dialog from “Create a key”', async () => {
      const { user, checklist, router } = await openChecklist();
      await user.click(within(checklist).getByRole('link', { name: 'Create a key' }));
      expect(await screen.findByRole('dialog', { name: 'Create an API key' })).toBeInTheDocument();
      await waitFor(() => expect(router.state.location.search).toBe(''));
      expect(router.state.location.pathname).toBe('/dashboard/keys');
    });

    it('ticks a step by itself when the polled answer changes', async () => {
      const key = buildKey({ label: 'First key' });
      db.keys = [key];
      const { checklist } = await openChecklist();
      expect(checklist).toHaveTextContent('1 of 4 done');
      expect(steps(checklist)[0]).toBe('Create an API keyDone');
      // The first call's sample names the key by its prefix (its secret is never shown again).
      expect(checklist).toHaveTextContent(`Authorization: Bearer ${key.key_prefix}…`);

      db.onboarding.first_call = true;
      expect(
        await within(checklist).findByText('2 of 4 done', {}, { timeout: NEXT_POLL_MS }),
      ).toBeInTheDocument();
      expect(steps(checklist)[1]).toBe('Make your first callDone');

      db.onboarding.call_counted = true;
      expect(
        await within(checklist).findByText('3 of 4 done', {}, { timeout: NEXT_POLL_MS }),
      ).toBeInTheDocument();
      expect(steps(checklist)).toEqual([
        'Create an API keyDone',
        'Make your first callDone',
        'See it countedDone',
        'Pick a planTo do',
      ]);
      expect(onboardingRequests('PATCH')).toHaveLength(0);
    });

    it('stays on Free with a PATCH, then says all is set, and is dismissed with another', async () => {
      nothingButTheLastStep();
      const { user, checklist } = await openChecklist();
      expect(checklist).toHaveTextContent('3 of 4 done');

      await user.click(within(checklist).getByRole('button', { name: 'Stay on Free' }));
      const done = await screen.findByRole('region', { name: 'All set' });
      expect(done).toHaveTextContent('4 of 4 done');
      expect(steps(done)[3]).toBe('Pick a planDone');
      expect(onboardingRequests('PATCH').map((entry) => entry.body)).toEqual([{ stay_on_free: true }]);

      await user.click(within(done).getByRole('button', { name: 'Dismiss' }));
      await waitFor(() => expect(screen.queryByRole('region', { name: 'All set' })).not.toBeInTheDocument());
      expect(onboardingRequests('PATCH').map((entry) => entry.body)).toEqual([
        { stay_on_free: true },
        { dismissed: true },
      ]);
      expect(db.onboarding.dismissed).toBe(true);
    });

    it('is dismissed before it is complete, and then asks no more', async () => {
      const { user, checklist } = await openChecklist();
      await user.click(within(checklist).getByRole('button', { name: 'Dismiss' }));
      await waitFor(() =>
        expect(screen.queryByRole('region', { name: 'Get started' })).not.toBeInTheDocument(),
      );
      expect(onboardingRequests('PATCH').map((entry) => entry.body)).toEqual([{ dismissed: true }]);

      const asked = onboardingRequests('GET').length;
      await new Promise((resolve) => setTimeout(resolve, NEXT_POLL_MS));
      expect(onboardingRequests('GET')).toHaveLength(asked);
    });

    it('asks a member without billing three steps, not the plan', async () => {
      seedTeam({ role: 'member' });
      const { checklist } = await openChecklist('/t/acme');
      expect(checklist).toHaveTextContent('0 of 3 done');
      expect(steps(checklist)).toEqual([
        'Create an API keyTo do',
        'Make your first callTo do',
        'See it countedTo do',
      ]);
      expect(within(checklist).queryByRole('button', { name: 'Stay on Free' })).not.toBeInTheDocument();
      expect(onboardingRequests('GET')[0]?.path).toBe('/accounts/team_acme/onboarding');
    });
  });

  describe('not shown', () => {
    it('to a viewer, who creates no keys, and nothing is asked', async () => {
      seedTeam({ role: 'viewer' });
      renderApp('/t/acme');
      await screen.findByRole('region', { name: 'This month' });
      await waitForLoaded();
      expect(screen.queryByRole('region', { name: 'Get started' })).not.toBeInTheDocument();
      expect(onboardingRequests('GET')).toHaveLength(0);
    });

    it('to an account that had done every step before the page loaded, and it asks only once', async () => {
      nothingButTheLastStep();
      db.account.plan_tier = 'pro';
      renderApp('/');
      await screen.findByRole('region', { name: 'This month' });
      await waitFor(() => expect(onboardingRequests('GET')).toHaveLength(1));
      await waitForLoaded();
      expect(screen.queryByRole('region', { name: 'Get started' })).not.toBeInTheDocument();
      expect(screen.queryByRole('region', { name: 'All set' })).not.toBeInTheDocument();

      await new Promise((resolve) => setTimeout(resolve, NEXT_POLL_MS));
      expect(onboardingRequests('GET')).toHaveLength(1);
    });

    it('once dismissed, though steps are left', async () => {
      db.onboarding.dismissed = true;
      renderApp('/');
      await screen.findByRole('region', { name: 'This month' });
      await waitFor(() => expect(onboardingRequests('GET')).toHaveLength(1));
      await waitForLoaded();
      expect(screen.queryByRole('region', { name: 'Get started' })).not.toBeInTheDocument();
    });

    it('when it cannot be loaded: Overview’s own cards carry on', async () => {
      let asked = 0;
      server.use(
        http.get('/api/dashboard/onboarding', () => {
          asked += 1;
          return apiError('internal', 'boom');
        }),
      );
      renderApp('/');
      await waitFor(() => expect(asked).toBe(1));
      expect(await screen.findByRole('region', { name: 'This month' })).toBeInTheDocument();
      await waitForLoaded();
      expect(screen.queryByRole('region', { name: 'Get started' })).not.toBeInTheDocument();
      expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    });
  });

  describe('errors', () => {
    it('says why staying on Free failed, and keeps the step to do', async () => {
      nothingButTheLastStep();
      server.use(http.patch('/api/dashboard/onboarding', () => apiError('rate_limited', 'slow down')));
      const { user, checklist } = await openChecklist();
      await user.click(within(checklist).getByRole('button', { name: 'Stay on Free' }));
      expect(await within(checklist).findByRole('alert')).toHaveTextContent(
        'Too many requests in a short time. Wait a moment and try again.',
      );
      expect(steps(checklist)[3]).toBe('Pick a planTo do');
    });
  });
});
