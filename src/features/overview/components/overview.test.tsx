import { screen, within } from '@testing-library/react';
import { delay, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

describe('overview page', () => {
  describe('states', () => {
    it('shows skeletons while loading', async () => {
      server.use(
        http.get('/api/dashboard/me', () => delay('infinite')),
        http.get('/api/dashboard/stats', () => delay('infinite')),
        http.get('/api/dashboard/keys', () => delay('infinite')),
      );
      renderApp('/');
      expect(await screen.findByRole('status', { name: "Loading this month's usage" })).toBeInTheDocument();
      expect(screen.getByRole('status', { name: 'Loading the calls chart' })).toBeInTheDocument();
      expect(screen.getByRole('status', { name: 'Loading recent activity' })).toBeInTheDocument();
    });

    it('tells a new account how to get started', async () => {
      renderApp('/');
      await waitForLoaded();
      expect(screen.getByRole('heading', { name: 'No active keys' })).toBeInTheDocument();
      expect(screen.getByRole('heading', { name: 'No calls in the last 30 days' })).toBeInTheDocument();
      expect(screen.getByRole('heading', { name: 'No calls yet' })).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Create a key' })).toHaveAttribute('href', '/dashboard/keys');
    });

    it('shows each card’s error with a retry, without hiding the others', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/stats', () => apiError('internal', 'boom')));
      renderApp('/');
      await waitForLoaded();
      const alerts = screen.getAllByRole('alert');
      expect(alerts).toHaveLength(2);
      for (const alert of alerts) {
        expect(within(alert).getByRole('button', { name: 'Try again' })).toBeInTheDocument();
      }
      expect(screen.getByRole('region', { name: 'This month' })).toHaveTextContent('735');
    });
  });

  describe('with usage', () => {
    it('shows this month’s calls against each key’s quota', async () => {
      seedAccount();
      renderApp('/');
      await waitForLoaded();
      const month = screen.getByRole('region', { name: 'This month' });
      expect(month).toHaveTextContent('735calls across all keys');
      const bars = within(month).getAllByRole('progressbar');
      expect(bars.map((bar) => bar.getAttribute('aria-label'))).toEqual([
        'Production server: calls this month against its quota',
        'Staging: calls this month against its quota',
      ]);
      expect(bars[0]).toHaveAttribute('aria-valuenow', '640');
      expect(bars[0]).toHaveAttribute('aria-valuemax', '1000');
    });

    it('shows error rate, latency, active keys, the chart and recent calls', async () => {
      seedAccount();
      renderApp('/');
      await waitForLoaded();
      expect(screen.getByText('Active keys').closest('section')).toHaveTextContent('2');
      expect(screen.getByText('Error rate').closest('section')).toHaveTextContent('%');
      expect(screen.getByRole('figure')).toHaveTextContent(/Calls over the last 30 days: [\d,]+ calls/);
      const activity = screen.getByRole('region', { name: 'Recent activity' });
      const items = within(activity).getAllByRole('listitem');
      expect(items[0]).toHaveTextContent('200GET /v1/forecastProduction server · 88 ms3 minutes ago');
      expect(items).toHaveLength(3);
      // One request for the account's latest calls across keys, not one per key.
      expect(apiLog.filter((entry) => entry.path === '/usage/recent').map((entry) => entry.query)).toEqual([
        {},
      ]);
    });
  });
});
