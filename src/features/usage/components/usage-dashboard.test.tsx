import { screen, waitFor, within } from '@testing-library/react';
import { delay, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { addDays } from '@shared/dates';
import { todayUtc } from '@/lib/date-range';
import { buildEvent, db, isoAgo, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

/** A row's cells as a wide screen shows them (the first line of each; phones stack the rest). */
function cellTexts(row: HTMLElement): (string | null | undefined)[] {
  return within(row)
    .getAllByRole('cell')
    .map((cell) => cell.firstChild?.textContent);
}

function statsRequests() {
  return apiLog.filter((entry) => entry.path === '/stats').map((entry) => entry.query);
}

describe('usage page', () => {
  describe('states', () => {
    it('shows skeletons while stats load', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/stats', () => delay('infinite')));
      renderApp('/usage');
      expect(await screen.findByRole('status', { name: 'Loading the usage chart' })).toBeInTheDocument();
    });

    it('says there were no calls, and how to get some, for an account without keys', async () => {
      renderApp('/usage');
      expect(await screen.findByRole('heading', { name: 'No calls in this range' })).toBeInTheDocument();
      expect(screen.getByRole('link', { name: 'Create a key' })).toHaveAttribute('href', '/dashboard/keys');
      expect(screen.getAllByText('No calls in this range.')).toHaveLength(2);
    });

    it('shows an error with a retry when stats fail', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/stats', () => apiError('internal', 'boom'), { once: true }));
      const { user } = renderApp('/usage');
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent("Couldn't load usage");
      expect(alert).toHaveTextContent('Something went wrong on our side. Try again in a moment.');
      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(await screen.findByRole('heading', { name: 'Calls over time' })).toBeInTheDocument();
    });
  });

  describe('filters', () => {
    it('loads the last 30 days for all keys, with cards, chart and breakdowns', async () => {
      seedAccount();
      renderApp('/usage');
      await waitForLoaded();
      const today = todayUtc();
      expect(statsRequests()).toEqual([{ from: addDays(today, -29), to: today }]);
      expect(screen.getByText('Calls', { selector: 'p' })).toBeInTheDocument();
      expect(screen.getByRole('table', { name: 'Calls by endpoint' })).toHaveTextContent('GET /v1/forecast');
      expect(screen.getByRole('table', { name: 'Calls by status code' })).toHaveTextContent(
        '429Too many requests',
      );
      // With all keys selected, the latest calls are the account's, each naming its key.
      const recent = within(screen.getByRole('table', { name: 'Recent requests' })).getAllByRole('row');
      expect(recent.slice(1).map(cellTexts)).toEqual([
        ['200', 'GET /v1/forecast', 'Production server', '88 ms', '3 minutes ago'],
        ['429', 'POST /v1/convert', 'Production server', '4 ms', '9 minutes ago'],
        ['200', 'GET /v1/time', 'Staging', '21 ms', '2 days ago'],
      ]);
      expect(apiLog.find((entry) => entry.path === '/usage/recent')?.query).toEqual({});
    });

    it('asks for 7 days when the range changes, and keeps it in the URL', async () => {
      seedAccount();
      const { user, router } = renderApp('/usage');
      await waitForLoaded();
      await user.click(screen.getByRole('radio', { name: '7 days' }));
      const today = todayUtc();
      await waitFor(() => expect(statsRequests()).toContainEqual({ from: addDays(today, -6), to: today }));
      expect(router.state.location.search).toBe('?range=7d');
    });

    it('reads a custom range from the URL', async () => {
      seedAccount();
      const to = addDays(todayUtc(), -10);
      const from = addDays(to, -13);
      renderApp(`/usage?range=custom&from=${from}&to=${to}`);
      await waitForLoaded();
      expect(statsRequests()).toEqual([{ from, to }]);
      expect(screen.getByLabelText('From')).toHaveValue(from);
    });

    it('narrows to one key and lists that key’s recent requests', async () => {
      const { active } = seedAccount();
      const { user } = renderApp('/usage');
      await waitForLoaded();
      await user.selectOptions(screen.getByLabelText('Key'), 'Production server');

      await waitFor(() => expect(statsRequests().at(-1)).toMatchObject({ key_id: active.id }));
      const table = await screen.findByRole('table', { name: 'Recent requests' });
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows.map(cellTexts)).toEqual([
        ['200', 'GET /v1/forecast', '88 ms', '3 minutes ago'],
        ['429', 'POST /v1/convert', '4 ms', '9 minutes ago'],
      ]);
      expect(screen.getByText(/“Production server”, /)).toBeInTheDocument();
    });

    it('lists the newest ten requests, and all of them on request', async () => {
      const { active } = seedAccount();
      db.events = Array.from({ length: 12 }, (_, index) =>
        buildEvent(active.id, { at: isoAgo((index + 1) * 60_000) }),
      );
      const { user } = renderApp('/usage');
      await waitForLoaded();
      const table = screen.getByRole('table', { name: 'Recent requests' });
      expect(within(table).getAllByRole('row')).toHaveLength(1 + 10);
      await user.click(screen.getByRole('button', { name: 'Show all 12 requests' }));
      expect(within(table).getAllByRole('row')).toHaveLength(1 + 12);
      expect(screen.getByRole('button', { name: 'Show fewer' })).toBeInTheDocument();
    });

    it('marks revoked keys in the key menu', async () => {
      seedAccount();
      renderApp('/usage');
      await waitForLoaded();
      const options = within(screen.getByLabelText('Key'))
        .getAllByRole('option')
        .map((option) => option.textContent);
      expect(options).toEqual([
        'All keys',
        'Production server',
        'Staging',
        'Old laptop (revoked)',
        'Hackathon (expired)',
      ]);
    });
  });

  describe('CSV export', () => {
    it('downloads the range as a CSV file fetched with the token', async () => {
      seedAccount();
      const { user } = renderApp('/usage?range=7d');
      await waitForLoaded();
      const saved: { href: string; download: string }[] = [];
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function recordClick(this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      };
      try {
        await user.click(screen.getByRole('button', { name: 'Export CSV' }));
        expect(await screen.findByText('CSV downloaded')).toBeInTheDocument();
      } finally {
        HTMLAnchorElement.prototype.click = click;
      }
      const today = todayUtc();
      expect(apiLog.find((entry) => entry.path === '/usage/export')?.query).toEqual({
        from: addDays(today, -6),
        to: today,
      });
      expect(saved).toEqual([
        { href: 'blob:keymeter-test', download: `usage-${addDays(today, -6)}-${today}.csv` },
      ]);
      const blob = (URL.createObjectURL as unknown as { mock: { calls: [Blob][] } }).mock.calls[0]?.[0];
      const csv = await blob?.text();
      expect(csv?.split('\n')[0]).toBe('date,key_id,key_label,requests,errors,avg_latency_ms');
      expect(csv?.split('\n')).toHaveLength(1 + db.keys.length);
    });

    it('says why an export failed', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/usage/export', () => apiError('rate_limited', 'slow down')));
      const { user } = renderApp('/usage');
      await waitForLoaded();
      await user.click(screen.getByRole('button', { name: 'Export CSV' }));
      expect(await screen.findByText("Couldn't export CSV")).toBeInTheDocument();
      expect(
        screen.getByText('Too many requests in a short time. Wait a moment and try again.'),
      ).toBeInTheDocument();
    });
  });
});
