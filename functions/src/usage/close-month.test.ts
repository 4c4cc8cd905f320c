import { describe, expect, it } from 'vitest';
import { equalsTotals, periodDates, sumDays } from './close-month.js';
import { readDailyDoc } from './daily-doc.js';
import { addMinute, encodeMinutes, noMinutes } from './minute-bitmap.js';

function minutes(...list: number[]): string {
  const set = noMinutes();
  for (const minute of list) addMinute(set, minute);
  return encodeMinutes(set);
}

/** `requests` calls, one of them a 500, over `callMinutes` minutes of which the first had the 500. */
function day(date: string, requests: number, byKey: Record<string, number>, callMinutes = [0]) {
  return readDailyDoc({
    account_id: 'u1',
    date,
    total_requests: requests,
    error_count: 1,
    latency_ms_sum: requests * 2,
    // Bucket 1 is (1, 2] ms; the 500 took longer, bucket 5 is (7, 10] ms.
    latency_buckets: { '1': requests - 1, '5': 1 },
    latency_buckets_by_endpoint: { 'GET /v1/time': { '1': requests - 1, '5': 1 } },
    call_minutes: minutes(...callMinutes),
    server_error_minutes: minutes(callMinutes[0] ?? 0),
    requests_by_endpoint: { 'GET /v1/time': requests },
    requests_by_status: { '200': requests - 1, '500': 1 },
    requests_by_key: byKey,
  });
}

describe('periodDates', () => {
  it('lists every day of the month, leap days included', () => {
    expect(periodDates('2028-02')).toHaveLength(29);
    expect(periodDates('2027-02').at(-1)).toBe('2027-02-28');
    expect(periodDates('2026-12')).toEqual(
      Array.from({ length: 31 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`),
    );
  });
});

describe('equalsTotals', () => {
  const totals = sumDays('u1', '2026-11', [
    day('2026-11-01', 5, { a: 5 }, [0, 1, 2]),
    day('2026-11-02', 3, { a: 1, b: 2 }, [0, 1]),
  ]);

  it('holds for a stored document with the same figures, whatever else it carries', () => {
    expect(totals).toMatchObject({
      total_requests: 8,
      error_count: 2,
      days_with_usage: 2,
      requests_by_key: { a: 6, b: 2 },
      // The days' histograms merged, and their minutes counted day by day.
      latency_buckets: { '1': 6, '5': 2 },
      minutes_with_calls: 5,
      minutes_with_server_errors: 2,
    });
    // Per-endpoint histograms stay on the days: a month's endpoints are not bounded.
    expect(totals).not.toHaveProperty('latency_buckets_by_endpoint');
    expect(
      equalsTotals({ ...totals, closed_at: new Date(), requests_by_key: { a: 6, b: 2, c: 0 } }, totals),
    ).toBe(true);
  });

  it('fails on any figure that differs, a missing name, or a document that is not one', () => {
    expect(equalsTotals({ ...totals, total_requests: 9 }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, days_with_usage: 1 }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, requests_by_key: { a: 6 } }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, requests_by_status: { '200': 6, '500': 1 } }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, latency_buckets: { '1': 6, '5': 1 } }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, minutes_with_calls: 4 }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, minutes_with_server_errors: 1 }, totals)).toBe(false);
    expect(equalsTotals({ total_requests: 'eight' }, totals)).toBe(false);
    expect(equalsTotals(undefined, totals)).toBe(false);
  });
});
