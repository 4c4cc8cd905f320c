import { screen, within } from '@testing-library/react';
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { statsQuerySchema, statsResponseSchema, type UsageDayPoint } from '@shared/contracts';
import { addDays, periodEnd, utcPeriod } from '@shared/dates';
import { todayUtc } from '@/lib/date-range';
import { formatDate, formatDay } from '@/lib/format';
import { runOut } from '@/lib/run-out';
import { buildKey, db, seedAccount } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';
import { server } from '@/testing/mocks/server';
import { renderApp, waitForLoaded } from '@/testing/test-utils';

/** A stat card's whole text: its label, its value and its hint, nothing else. */
function statCard(label: string): string | null {
  return screen.getByRole('region', { name: label }).textContent;
}

function accountBar(month: HTMLElement): HTMLElement {
  return within(month).getByRole('progressbar', { name: 'The account’s units this month against its quota' });
}

/**
 * Stats with known figures for whatever range the page asks for: 30 days of 100 calls at 80 ms
 * (3 failed) except a 700-call day at 120 ms 10 days ago, so 3,600 calls, 90 errors (2.5%) and
 * an average latency of 87.8 ms, which the page must show rounded, as 88 ms (the mean of the
 * daily averages would be 81 ms).
 */
function serveKnownStats(): { busiestDay: string; queries: Record<string, string>[] } {
  const busiestDay = addDays(todayUtc(), -10);
  const queries: Record<string, string>[] = [];
  server.use(
    http.get('/api/dashboard/stats', ({ request }) => {
      const sent = Object.fromEntries(new URL(request.url).searchParams);
      queries.push(sent);
      const query = statsQuerySchema.parse(sent);
      // Latency percentiles and availability (Usage shows them; Overview does not).
      const service = {
        server_errors: 3,
        p50_ms: 75,
        p95_ms: 150,
        p99_ms: 300,
        minutes_with_calls: 100,
        minutes_with_server_errors: 1,
        availability: 0.99,
      };
      const daily: UsageDayPoint[] = Array.from({ length: 30 }, (_, index) => {
        const date = addDays(query.from, index);
        return date === busiestDay
          ? { date, requests: 700, units: 700, errors: 3, avg_latency_ms: 120, ...service }
          : { date, requests: 100, units: 100, errors: 3, avg_latency_ms: 80, ...service };
      });
      return HttpResponse.json(
        statsResponseSchema.parse({
          from: query.from,
          to: query.to,
          key_id: null,
          integration: null,
          totals: {
            requests: 3_600,
            units: 3_600,
            errors: 90,
            error_rate: 0.025,
            success_rate: 0.975,
            avg_latency_ms: 316_000 / 3_600,
            ...service,
            server_errors: 90,
            minutes_with_calls: 3_000,
            minutes_with_server_errors: 30,
          },
          daily,
          by_endpoint: [{ endpoint: 'GET /v1/time', requests: 3_600, p50_ms: 75, p95_ms: 150, p99_ms: 300 }],
          by_status: [
            { status: '200', requests: 3_510 },
            { status: '500', requests: 90 },
          ],
          by_key: [{ key_id: 'key_1', requests: 3_600 }],
          by_integration: [{ integration: 'none', requests: 3_600 }],
        }),
      );
    }),
  );
  return { busiestDay, queries };
}

describe('overview page', () => {
  describe('states', () => {
    it('shows skeletons while loading', async () => {
      server.use(
        http.get('/api/dashboard/summary', () => delay('infinite')),
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
      const month = screen.getByRole('region', { name: 'This month' });
      expect(within(month).getByRole('link', { name: 'Create a key' })).toHaveAttribute(
        'href',
        '/dashboard/keys',
      );
      expect(month).toHaveTextContent('0of 1,000 units used');
      expect(accountBar(month)).toHaveAttribute('aria-valuenow', '0');
      expect(statCard('Error rate')).toBe('Error rate0%0 failed calls in 30 days');
      expect(statCard('Average latency')).toBe('Average latency—No calls in 30 days');
      expect(statCard('Active keys')).toBe('Active keys0Create one on the Keys page');
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
      expect(screen.getByRole('region', { name: 'This month' })).toHaveTextContent('735of 1,000 units used');
      expect(statCard('Active keys')).toBe('Active keys2Able to call the API now');
    });

    it('shows the quota card’s own error with a retry that recovers', async () => {
      seedAccount();
      server.use(http.get('/api/dashboard/summary', () => apiError('unavailable', 'down'), { once: true }));
      const { user } = renderApp('/');
      const month = await screen.findByRole('region', { name: 'This month' });
      const alert = await within(month).findByRole('alert');
      expect(alert).toHaveTextContent('Keymeter is briefly unavailable. Try again in a moment.');
      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(await within(month).findByText('of 1,000 units used')).toBeInTheDocument();
    });
  });

  describe('with usage', () => {
    it('shows the account’s units against its quota, its shared limits and reset, then each key with its caps', async () => {
      const { active, staging } = seedAccount();
      db.account.plan_tier = 'pro';
      // Staging is nearly at its own cap, so it comes first although Production used more.
      staging.cap_monthly = 100;
      staging.cap_per_minute = 60;
      db.keys.push(buildKey({ label: 'Batch job', monthly_usage: 10, cap_per_minute: 5 }));
      db.meterUsed = { emails_verified: 1_234 };
      renderApp('/');
      await waitForLoaded();

      const month = screen.getByRole('region', { name: 'This month' });
      expect(month).toHaveTextContent('745of 100,000 units used');
      expect(accountBar(month)).toHaveAttribute('aria-valuenow', '745');
      expect(accountBar(month)).toHaveAttribute('aria-valuemax', '100000');
      expect(month).toHaveTextContent('Per minute600 calls, all keys together');
      expect(month).toHaveTextContent(`Resets${formatDate(periodEnd(utcPeriod(new Date())).toISOString())}`);
      expect(within(month).getByRole('link', { name: 'Pro plan' })).toHaveAttribute(
        'href',
        '/dashboard/billing',
      );

      // One indicator per named meter, against the plan's limit for it.
      const meters = within(month).getByRole('list', { name: 'Meters' });
      expect(meters).toHaveTextContent('Emails verified1,234 / 20,000 this month, 2,000 a minute');
      expect(within(meters).getByRole('progressbar')).toHaveAttribute('aria-valuemax', '20000');

      const items = within(within(month).getByRole('list', { name: 'Keys this month' })).getAllByRole(
        'listitem',
      );
      expect(items.map((item) => item.textContent)).toEqual([
        'Staging95 / 100cap 100/monthcap 60/min',
        'Production server640 units',
        'Batch job10 unitscap 5/min',
      ]);
      const [stagingBar, productionBar, batchBar] = items.map((item) =>
        within(item).getByRole('progressbar'),
      );
      expect(stagingBar).toHaveAccessibleName('Staging: units this month against its cap');
      expect(stagingBar).toHaveAttribute('aria-valuenow', '95');
      expect(stagingBar).toHaveAttribute('aria-valuemax', '100');
      expect(batchBar).toHaveAccessibleName('Batch job: units this month of the account’s quota');
      expect(productionBar).toHaveAttribute('aria-valuenow', String(active.monthly_usage));
      expect(productionBar).toHaveAttribute('aria-valuemax', '100000');
    });

    it('says when the account’s quota is used up', async () => {
      db.keys = [
        buildKey({ label: 'Busy', monthly_usage: 700 }),
        buildKey({ label: 'Also busy', monthly_usage: 300 }),
      ];
      renderApp('/');
      await waitForLoaded();
      const month = screen.getByRole('region', { name: 'This month' });
      expect(month).toHaveTextContent('1,000of 1,000 units used100%');
      expect(month).toHaveTextContent('The quota is used up: calls are refused until it resets.');
      expect(month).not.toHaveTextContent('At this month’s pace');
    });

    it('says when, at this month’s pace, the quota runs out, and the credits after it', async () => {
      db.keys = [buildKey({ label: 'Busy', monthly_usage: 990 })];
      renderApp('/');
      await waitForLoaded();
      const month = screen.getByRole('region', { name: 'This month' });
      const expected = runOut({ units: 990, quota: 1_000, period: utcPeriod(new Date()) }, 0, new Date());
      if (expected.kind === 'runs_out') {
        expect(month).toHaveTextContent(
          `At this month’s pace, the quota runs out on ${formatDate(expected.at.toISOString())}.`,
        );
      } else {
        // In the month's first hour there is no pace to go by yet.
        expect(month).not.toHaveTextContent('At this month’s pace');
      }
    });

    it('shows error rate, latency, active keys, the chart and recent calls', async () => {
      seedAccount();
      const { busiestDay, queries } = serveKnownStats();
      renderApp('/');
      await waitForLoaded();
      const today = todayUtc();
      expect(queries).toEqual([{ from: addDays(today, -29), to: today }]);
      expect(statCard('Error rate')).toBe('Error rate2.5%90 failed calls in 30 days');
      expect(statCard('Average latency')).toBe('Average latency88 msOver the last 30 days');
      // Two of the four keys can call: the revoked and the expired ones do not count.
      expect(statCard('Active keys')).toBe('Active keys2Able to call the API now');
      const calls = screen.getByRole('region', { name: 'Calls, last 30 days' });
      expect(within(calls).getByText('3,600 calls, 3,600 units in total')).toBeInTheDocument();
      expect(within(calls).getByRole('figure')).toHaveTextContent(
        `Calls over the last 30 days: 3,600 calls and 90 errors, busiest day ${formatDay(busiestDay)} with 700 calls.`,
      );
      const activity = screen.getByRole('region', { name: 'Recent activity' });
      const items = within(activity).getAllByRole('listitem');
      expect(items.map((item) => item.textContent)).toEqual([
        '200GET /v1/forecastProduction server · 88 ms3 minutes ago',
        '429POST /v1/convertProduction server · 4 ms9 minutes ago',
        '200GET /v1/timeStaging · 21 ms2 days ago',
      ]);
      // One request for the account's latest calls across keys, not one per key.
      expect(apiLog.filter((entry) => entry.path === '/usage/recent').map((entry) => entry.query)).toEqual([
        {},
      ]);
    });
  });
});
