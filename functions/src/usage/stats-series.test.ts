import { describe, expect, it } from 'vitest';
import { statsQuerySchema, statsResponseSchema } from '../shared/contracts.js';
import { addLatency, LATENCY_BOUNDS_MS, type LatencyHistogram } from '../shared/latency.js';
import { readDailyDoc, type DailyDoc } from './daily-doc.js';
import { addMinute, encodeMinutes, noMinutes } from './minute-bitmap.js';
import { ACCOUNT_WIDE, buildStats, datesInRange, type StatsFilter } from './stats-series.js';

const untagged = () => 'none' as const;
const byKey = (keyId: string): StatsFilter => ({ key_id: keyId, integration: null, keys: new Set([keyId]) });

/** A daily document as stored: fields left out read as their defaults. */
function day(date: string, overrides: Record<string, unknown> = {}): DailyDoc {
  return readDailyDoc({ account_id: 'u1', date, ...overrides });
}

function histogramOf(latencies: readonly number[]): LatencyHistogram {
  const histogram: LatencyHistogram = {};
  for (const latency of latencies) addLatency(histogram, latency);
  return histogram;
}

function minutes(...list: number[]): string {
  const set = noMinutes();
  for (const minute of list) addMinute(set, minute);
  return encodeMinutes(set);
}

const repeat = (latency: number, times: number) => Array.from({ length: times }, () => latency);
const noLatency = { p50_ms: null, p95_ms: null, p99_ms: null };
const noMinutesYet = { minutes_with_calls: 0, minutes_with_server_errors: 0, availability: null };

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
    const stats = buildStats({ from: '2026-10-01', to: '2026-10-03' }, days, ACCOUNT_WIDE, untagged);
    expect(statsResponseSchema.parse(stats)).toEqual(stats);
    const empty = { requests: 0, units: 0, errors: 0, server_errors: 0, avg_latency_ms: null };
    // A day folded before latency histograms and minute bitmaps were kept has neither.
    expect(stats.daily).toEqual([
      { date: '2026-10-01', ...empty, ...noLatency, ...noMinutesYet },
      {
        date: '2026-10-02',
        requests: 10,
        units: 25,
        errors: 2,
        server_errors: 0,
        avg_latency_ms: 5,
        ...noLatency,
        ...noMinutesYet,
      },
      { date: '2026-10-03', ...empty, ...noLatency, ...noMinutesYet },
    ]);
    expect(stats.totals).toEqual({
      requests: 10,
      units: 25,
      errors: 2,
      error_rate: 0.2,
      success_rate: 0.8,
      server_errors: 0,
      avg_latency_ms: 5,
      ...noLatency,
      ...noMinutesYet,
    });
    expect(stats.by_endpoint).toEqual([
      { endpoint: 'GET /v1/time', requests: 7, ...noLatency },
      { endpoint: 'POST /v1/convert', requests: 3, ...noLatency },
    ]);
    expect(stats.by_status).toEqual([
      { status: '200', requests: 8 },
      { status: '429', requests: 2 },
    ]);
  });

  it('filters by key using the per-key figures', () => {
    const stats = buildStats({ from: '2026-10-02', to: '2026-10-02' }, days, byKey('k1'), untagged);
    expect(stats.key_id).toBe('k1');
    expect(stats.totals).toMatchObject({
      requests: 4,
      units: 19,
      errors: 2,
      error_rate: 0.5,
      success_rate: 0.5,
      avg_latency_ms: 7.5,
    });
    expect(stats.by_endpoint[0]).toEqual({ endpoint: 'POST /v1/convert', requests: 3, ...noLatency });
    expect(
      buildStats({ from: '2026-10-02', to: '2026-10-02' }, days, byKey('other'), untagged).totals.requests,
    ).toBe(0);
  });

  it('filters by integration: the sum of its keys, broken down by key and by integration', () => {
    const tags: Record<string, 'zapier' | 'n8n'> = { k1: 'zapier', k2: 'n8n' };
    const groupOf = (keyId: string) => tags[keyId] ?? ('none' as const);
    const withRequestsByKey = new Map([
      ['2026-10-02', { ...days.get('2026-10-02'), requests_by_key: { k1: 4, k2: 6 } } as DailyDoc],
    ]);
    const range = { from: '2026-10-02', to: '2026-10-02' };
    const all = buildStats(range, withRequestsByKey, ACCOUNT_WIDE, groupOf);
    expect(all.by_key).toEqual([
      { key_id: 'k2', requests: 6 },
      { key_id: 'k1', requests: 4 },
    ]);
    expect(all.by_integration).toEqual([
      { integration: 'n8n', requests: 6 },
      { integration: 'zapier', requests: 4 },
    ]);

    const both = buildStats(
      range,
      withRequestsByKey,
      { key_id: null, integration: 'none', keys: new Set(['k1', 'k2']) },
      groupOf,
    );
    expect(statsResponseSchema.parse(both)).toEqual(both);
    expect(both.integration).toBe('none');
    expect(both.totals).toMatchObject({ requests: 10, units: 25, errors: 2, avg_latency_ms: 5 });
    expect(both.by_endpoint.map(({ endpoint, requests }) => ({ endpoint, requests }))).toEqual([
      { endpoint: 'GET /v1/time', requests: 7 },
      { endpoint: 'POST /v1/convert', requests: 3 },
    ]);
    expect(both.by_status).toEqual([
      { status: '200', requests: 8 },
      { status: '429', requests: 2 },
    ]);

    const zapier = buildStats(
      range,
      withRequestsByKey,
      { key_id: null, integration: 'zapier', keys: new Set(['k1']) },
      groupOf,
    );
    expect(zapier.totals).toMatchObject({ requests: 4, units: 19 });
    expect(zapier.by_key).toEqual([{ key_id: 'k1', requests: 4 }]);
    expect(zapier.by_integration).toEqual([{ integration: 'zapier', requests: 4 }]);

    const nobody = buildStats(
      range,
      new Map(),
      { key_id: null, integration: 'make', keys: new Set() },
      groupOf,
    );
    expect(nobody.totals.requests).toBe(0);
    expect(nobody.by_integration).toEqual([]);
  });

  it('answers an error rate of 0 and no latency for an empty range', () => {
    const stats = buildStats({ from: '2026-10-05', to: '2026-10-06' }, new Map(), ACCOUNT_WIDE, untagged);
    expect(stats.totals).toEqual({
      requests: 0,
      units: 0,
      errors: 0,
      error_rate: 0,
      success_rate: null,
      server_errors: 0,
      avg_latency_ms: null,
      ...noLatency,
      ...noMinutesYet,
    });
  });
});

describe('buildStats: latency percentiles and availability', () => {
  const bucket = (bound: number) => String(LATENCY_BOUNDS_MS.indexOf(bound));
  // Day 1: 60 calls of GET /v1/time at 4 ms and 40 of POST /v1/convert at 40 ms, 2 of them 5xx
  // in minute 2 of the 4 minutes with calls. Day 2: 100 calls at 120 ms in 10 minutes, no 5xx.
  const days = new Map([
    [
      '2026-10-02',
      day('2026-10-02', {
        total_requests: 100,
        error_count: 5,
        latency_ms_sum: 60 * 4 + 40 * 40,
        latency_buckets: histogramOf([...repeat(4, 60), ...repeat(40, 40)]),
        latency_buckets_by_endpoint: {
          'GET /v1/time': histogramOf(repeat(4, 60)),
          'POST /v1/convert': histogramOf(repeat(40, 40)),
        },
        call_minutes: minutes(0, 1, 2, 3),
        server_error_minutes: minutes(2),
        requests_by_endpoint: { 'GET /v1/time': 60, 'POST /v1/convert': 40 },
        requests_by_status: { '200': 95, '429': 3, '500': 1, '503': 1 },
        key_stats: {
          k1: {
            requests: 40,
            errors: 2,
            latency_ms_sum: 40 * 40,
            by_endpoint: { 'POST /v1/convert': 40 },
            by_status: { '200': 38, '500': 1, '503': 1 },
            latency_buckets: histogramOf(repeat(40, 40)),
            latency_buckets_by_endpoint: { 'POST /v1/convert': histogramOf(repeat(40, 40)) },
            call_minutes: minutes(2, 3),
            server_error_minutes: minutes(2),
          },
        },
      }),
    ],
    [
      '2026-10-03',
      day('2026-10-03', {
        total_requests: 100,
        latency_ms_sum: 100 * 120,
        latency_buckets: histogramOf(repeat(120, 100)),
        latency_buckets_by_endpoint: { 'GET /v1/time': histogramOf(repeat(120, 100)) },
        call_minutes: minutes(10, 11, 12, 13, 14, 15, 16, 17, 18, 19),
        requests_by_endpoint: { 'GET /v1/time': 100 },
        requests_by_status: { '200': 100 },
      }),
    ],
  ]);

  it('gives each day its percentiles and availability, and the range those of all its calls and minutes', () => {
    const stats = buildStats({ from: '2026-10-02', to: '2026-10-03' }, days, ACCOUNT_WIDE, untagged);
    expect(statsResponseSchema.parse(stats)).toEqual(stats);
    const [first, second] = stats.daily;
    expect(first).toMatchObject({
      server_errors: 2,
      p50_ms: 5,
      p95_ms: 50,
      p99_ms: 50,
      minutes_with_calls: 4,
      minutes_with_server_errors: 1,
      availability: 0.75,
    });
    expect(second).toMatchObject({ p50_ms: 150, p95_ms: 150, p99_ms: 150, availability: 1 });
    // 200 calls: 60 ≤ 5 ms, 40 ≤ 50 ms, 100 ≤ 150 ms. Rank 100 is the last 40 ms call.
    expect(stats.totals).toMatchObject({
      requests: 200,
      errors: 5,
      error_rate: 0.025,
      success_rate: 0.975,
      server_errors: 2,
      p50_ms: 50,
      p95_ms: 150,
      p99_ms: 150,
      minutes_with_calls: 14,
      minutes_with_server_errors: 1,
      availability: 13 / 14,
    });
    // GET /v1/time: 60 calls ≤ 5 ms and 100 ≤ 150 ms, so its p50 (rank 80) is already 150.
    expect(stats.by_endpoint).toEqual([
      { endpoint: 'GET /v1/time', requests: 160, p50_ms: 150, p95_ms: 150, p99_ms: 150 },
      { endpoint: 'POST /v1/convert', requests: 40, p50_ms: 50, p95_ms: 50, p99_ms: 50 },
    ]);
    expect(days.get('2026-10-02')?.latency_buckets).toEqual({ [bucket(5)]: 60, [bucket(50)]: 40 });
  });

  it('merges the histograms and minute bitmaps of several selected keys', () => {
    const k2 = {
      requests: 60,
      latency_ms_sum: 60 * 4,
      by_endpoint: { 'GET /v1/time': 60 },
      by_status: { '200': 60 },
      latency_buckets: histogramOf(repeat(4, 60)),
      latency_buckets_by_endpoint: { 'GET /v1/time': histogramOf(repeat(4, 60)) },
      call_minutes: minutes(0, 1, 2),
    };
    const first = days.get('2026-10-02');
    if (first === undefined) throw new Error('fixture');
    const twoKeys = new Map([
      [
        '2026-10-02',
        {
          ...first,
          key_stats: {
            ...first.key_stats,
            k2: readDailyDoc({ account_id: 'u1', date: '2026-10-02', key_stats: { k2 } }).key_stats.k2,
          },
        } as DailyDoc,
      ],
    ]);
    const stats = buildStats(
      { from: '2026-10-02', to: '2026-10-02' },
      twoKeys,
      { key_id: null, integration: 'custom', keys: new Set(['k1', 'k2']) },
      untagged,
    );
    // The same calls as the whole account's day: k1's 40 at 40 ms and k2's 60 at 4 ms.
    expect(stats.totals).toMatchObject({
      requests: 100,
      p50_ms: 5,
      p95_ms: 50,
      minutes_with_calls: 4,
      minutes_with_server_errors: 1,
      availability: 0.75,
    });
  });

  it("uses the key's own histograms and minutes when filtered by key", () => {
    const stats = buildStats({ from: '2026-10-02', to: '2026-10-03' }, days, byKey('k1'), untagged);
    expect(stats.totals).toMatchObject({
      requests: 40,
      server_errors: 2,
      p50_ms: 50,
      p99_ms: 50,
      minutes_with_calls: 2,
      minutes_with_server_errors: 1,
      availability: 0.5,
    });
    expect(stats.daily[1]).toMatchObject({ requests: 0, availability: null, p50_ms: null });
    expect(stats.by_endpoint).toEqual([
      { endpoint: 'POST /v1/convert', requests: 40, p50_ms: 50, p95_ms: 50, p99_ms: 50 },
    ]);
  });
});
