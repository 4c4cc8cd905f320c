import { describe, expect, it } from 'vitest';
import { statsQuerySchema, statsResponseSchema } from '../shared/contracts.js';
import { readDailyDoc, type DailyDoc } from './daily-doc.js';
import { buildStats, datesInRange } from './stats-series.js';

function day(date: string, overrides: Partial<DailyDoc> = {}): DailyDoc {
  return readDailyDoc({ account_id: 'u1', date, ...overrides });
}

describe('datesInRange', () => {
  it('is inclusive at both ends and crosses month and year boundaries in UTC', () => {
    expect(datesInRange('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ]);
    expect(datesInRange('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
    expect(datesInRange('2026-10-05', '2026-10-05')).toEqual(['2026-10-05']);
  });
});

describe('stats query ranges', () => {
  it('accepts up to 366 days and refuses more, or a reversed range, naming the field', () => {
    expect(statsQuerySchema.safeParse({ from: '2026-01-01', to: '2027-01-01' }).success).toBe(true);
    const tooLong = statsQuerySchema.safeParse({ from: '2026-01-01', to: '2027-01-02' });
    expect(tooLong.error?.issues[0]?.path).toEqual(['to']);
    const reversed = statsQuerySchema.safeParse({ from: '2026-02-01', to: '2026-01-01' });
    expect(reversed.error?.issues[0]?.path).toEqual(['from']);
    expect(statsQuerySchema.safeParse({ from: '2026-02-30', to: '2026-03-01' }).success).toBe(false);
  });
});

describe('buildStats', () => {
  const days = new Map([
    [
      '2026-10-02',
      day('2026-10-02', {
        total_requests: 10,
        total_units: 25,
        error_count: 2,
        latency_ms_sum: 50,
        requests_by_endpoint: { 'GET /v1/time': 7, 'POST /v1/convert': 3 },
        requests_by_status: { '200': 8, '429': 2 },
        key_stats: {
          k1: {
            requests: 4,
            units: 19,
            errors: 2,
            latency_ms_sum: 30,
            by_endpoint: { 'POST /v1/convert': 3, 'GET /v1/time': 1 },
            by_status: { '200': 2, '429': 2 },
          },
          k2: {
            requests: 6,
            units: 6,
            errors: 0,
            latency_ms_sum: 20,
            by_endpoint: { 'GET /v1/time': 6 },
            by_status: { '200': 6 },
          },
        },
      }),
    ],
  ]);

  it('zero-fills every day of the range, oldest first', () => {
    const stats = buildStats({ from: '2026-10-01', to: '2026-10-03' }, days, null);
    expect(statsResponseSchema.parse(stats)).toEqual(stats);
    expect(stats.daily).toEqual([
      { date: '2026-10-01', requests: 0, units: 0, errors: 0, avg_latency_ms: null },
      { date: '2026-10-02', requests: 10, units: 25, errors: 2, avg_latency_ms: 5 },
      { date: '2026-10-03', requests: 0, units: 0, errors: 0, avg_latency_ms: null },
    ]);
    expect(stats.totals).toEqual({ requests: 10, units: 25, errors: 2, error_rate: 0.2, avg_latency_ms: 5 });
    expect(stats.by_endpoint).toEqual([
      { endpoint: 'GET /v1/time', requests: 7 },
      { endpoint: 'POST /v1/convert', requests: 3 },
    ]);
    expect(stats.by_status).toEqual([
      { status: '200', requests: 8 },
      { status: '429', requests: 2 },
    ]);
  });

  it('filters by key using the per-key figures', () => {
    const stats = buildStats({ from: '2026-10-02', to: '2026-10-02' }, days, 'k1');
    expect(stats.key_id).toBe('k1');
    expect(stats.totals).toEqual({ requests: 4, units: 19, errors: 2, error_rate: 0.5, avg_latency_ms: 7.5 });
    expect(stats.by_endpoint[0]).toEqual({ endpoint: 'POST /v1/convert', requests: 3 });
    expect(buildStats({ from: '2026-10-02', to: '2026-10-02' }, days, 'other').totals.requests).toBe(0);
  });

  it('answers an error rate of 0 and no latency for an empty range', () => {
    const stats = buildStats({ from: '2026-10-05', to: '2026-10-06' }, new Map(), null);
    expect(stats.totals).toEqual({ requests: 0, units: 0, errors: 0, error_rate: 0, avg_latency_ms: null });
  });
});
