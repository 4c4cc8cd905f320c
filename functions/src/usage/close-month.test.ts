import { describe, expect, it } from 'vitest';
import { equalsTotals, periodDates, sumDays } from './close-month.js';
import { readDailyDoc } from './daily-doc.js';

function day(date: string, requests: number, byKey: Record<string, number>) {
  return readDailyDoc({
    account_id: 'u1',
    date,
    total_requests: requests,
    error_count: 1,
    latency_ms_sum: requests * 2,
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
    day('2026-11-01', 5, { a: 5 }),
    day('2026-11-02', 3, { a: 1, b: 2 }),
  ]);

  it('holds for a stored document with the same figures, whatever else it carries', () => {
    expect(totals).toMatchObject({
      total_requests: 8,
      error_count: 2,
      days_with_usage: 2,
      requests_by_key: { a: 6, b: 2 },
    });
    expect(
      equalsTotals({ ...totals, closed_at: new Date(), requests_by_key: { a: 6, b: 2, c: 0 } }, totals),
    ).toBe(true);
  });

  it('fails on any figure that differs, a missing name, or a document that is not one', () => {
    expect(equalsTotals({ ...totals, total_requests: 9 }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, days_with_usage: 1 }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, requests_by_key: { a: 6 } }, totals)).toBe(false);
    expect(equalsTotals({ ...totals, requests_by_status: { '200': 6, '500': 1 } }, totals)).toBe(false);
    expect(equalsTotals({ total_requests: 'eight' }, totals)).toBe(false);
    expect(equalsTotals(undefined, totals)).toBe(false);
  });
});
