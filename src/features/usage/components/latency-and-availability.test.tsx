import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { statsResponseSchema, type StatsResponse, type UsageDayPoint } from '@shared/contracts';
import { AvailabilityStrip } from '@/features/usage/components/availability-strip';
import { LatencyByEndpoint } from '@/features/usage/components/latency-by-endpoint';
import { LatencyChart } from '@/features/usage/components/latency-chart';
import { UsageSummary } from '@/features/usage/components/usage-summary';
import { AVAILABILITY_DEFINITION, formatAvailability } from '@/features/usage/service-figures';

function day(date: string, overrides: Partial<UsageDayPoint> = {}): UsageDayPoint {
  return {
    date,
    requests: 0,
    units: 0,
    errors: 0,
    server_errors: 0,
    avg_latency_ms: null,
    p50_ms: null,
    p95_ms: null,
    p99_ms: null,
    minutes_with_calls: 0,
    minutes_with_server_errors: 0,
    availability: null,
    ...overrides,
  };
}

const daily = [
  day('2026-10-02', {
    requests: 100,
    units: 100,
    errors: 5,
    server_errors: 2,
    avg_latency_ms: 20.4,
    p50_ms: 5,
    p95_ms: 50,
    p99_ms: 150,
    minutes_with_calls: 4,
    minutes_with_server_errors: 1,
    availability: 0.75,
  }),
  day('2026-10-03'),
  day('2026-10-04', {
    requests: 1_400,
    units: 1_400,
    errors: 20,
    avg_latency_ms: 140,
    p50_ms: 100,
    p95_ms: 300,
    p99_ms: 1_000,
    minutes_with_calls: 1_436,
    minutes_with_server_errors: 0,
    availability: 1,
  }),
];

const stats: StatsResponse = statsResponseSchema.parse({
  from: '2026-10-02',
  to: '2026-10-04',
  key_id: null,
  integration: null,
  totals: {
    requests: 1_500,
    units: 1_500,
    errors: 25,
    error_rate: 25 / 1_500,
    success_rate: 1_475 / 1_500,
    server_errors: 2,
    avg_latency_ms: 132,
    p50_ms: 100,
    p95_ms: 300,
    p99_ms: 1_000,
    minutes_with_calls: 1_440,
    minutes_with_server_errors: 1,
    availability: 1_439 / 1_440,
  },
  daily,
  by_endpoint: [
    { endpoint: 'GET /v1/forecast', requests: 1_000, p50_ms: 100, p95_ms: 300, p99_ms: 1_000 },
    { endpoint: 'GET /v1/time', requests: 500, p50_ms: 5, p95_ms: 7, p99_ms: null },
  ],
  by_status: [],
  by_key: [{ key_id: 'key_1', requests: 1_500 }],
  by_integration: [{ integration: 'none', requests: 1_500 }],
});

const cardText = (name: string) => screen.getByRole('region', { name }).textContent;

describe('usage latency and availability', () => {
  it('shows p95 with p50 and p99, the success rate, and availability with its definition', () => {
    render(<UsageSummary stats={stats} loading={false} />);
    expect(cardText('Latency p95')).toBe('Latency p95300 msp50 100 ms · p99 1.00 s');
    expect(cardText('Success rate')).toBe('Success rate98.3%Answered 1xx–3xx; 2 calls answered 5xx');
    // 1,439 of 1,440 is 99.93055…%: rounded down, never up to a figure the day did not reach.
    expect(cardText('Availability')).toBe('Availability99.93%1,439 of 1,440 minutes with calls had no 5xx');
    expect(within(screen.getByRole('region', { name: 'Availability' })).getByText('99.93%')).toHaveAttribute(
      'title',
      AVAILABILITY_DEFINITION,
    );
  });

  it('says so when the range has no calls or no latency recorded', () => {
    const empty = statsResponseSchema.parse({
      ...stats,
      totals: {
        ...stats.totals,
        requests: 0,
        errors: 0,
        error_rate: 0,
        success_rate: null,
        server_errors: 0,
        p50_ms: null,
        p95_ms: null,
        p99_ms: null,
        minutes_with_calls: 0,
        minutes_with_server_errors: 0,
        availability: null,
      },
    });
    render(<UsageSummary stats={empty} loading={false} />);
    expect(cardText('Latency p95')).toBe('Latency p95—No latency recorded in this range');
    expect(cardText('Success rate')).toBe('Success rate—No calls in this range');
    expect(cardText('Availability')).toBe('Availability—No minutes with calls in this range');
  });

  it('never rounds an availability below 100% up to 100%', () => {
    expect(formatAvailability(0.99999)).toBe('99.99%');
    expect(formatAvailability(1)).toBe('100%');
    expect(formatAvailability(0.75)).toBe('75%');
    expect(formatAvailability(null)).toBe('—');
  });

  it('lists each endpoint’s percentiles, each saying the bucket it reads from', () => {
    render(<LatencyByEndpoint rows={stats.by_endpoint} />);
    const rows = within(screen.getByRole('table', { name: 'Latency by endpoint' })).getAllByRole('row');
    expect(
      rows.map((row) =>
        within(row)
          .queryAllByRole('cell')
          .map((cell) => cell.textContent),
      ),
    ).toEqual([
      [],
      ['GET /v1/forecast', '1,000', '100 ms', '300 ms', '1.00 s'],
      ['GET /v1/time', '500', '5 ms', '7 ms', '—'],
    ]);
    expect(within(rows[1] as HTMLElement).getByText('300 ms')).toHaveAttribute(
      'title',
      'at most 300 ms (over 200 ms)',
    );
  });

  it('shows availability day by day, a day without calls as such', () => {
    render(<AvailabilityStrip data={daily} />);
    const days = within(screen.getByRole('list', { name: 'Availability by day' })).getAllByRole('listitem');
    expect(days.map((item) => item.getAttribute('aria-label'))).toEqual([
      'Oct 2: 75%, 1 minute with a 5xx of 4 minutes with calls',
      'Oct 3: no calls',
      'Oct 4: 100%, 0 minutes with a 5xx of 1,436 minutes with calls',
    ]);
    expect(days.map((item) => item.className.match(/bg-\w+-\d+/)?.[0])).toEqual([
      'bg-rose-500',
      'bg-zinc-200',
      'bg-emerald-500',
    ]);
  });

  it('charts the percentiles per day and names the slowest day for screen readers', () => {
    render(<LatencyChart data={daily} label="Latency per day" />);
    const caption = screen.getByRole('figure').querySelector('figcaption');
    expect(caption?.textContent).toBe(
      'Latency per day: the slowest day by p95 was Oct 4, p50 100 ms, p95 300 ms, p99 1.00 s.',
    );
  });
});
