import { describe, expect, it } from 'vitest';
import { documentSize } from '../test-support/document-size.js';
import {
  LATENCY_BOUNDS_MS,
  LATENCY_BUCKETS,
  latencyBucket,
  mergeHistogram,
  type LatencyHistogram,
} from '../shared/latency.js';
import { boundToDay, summarizeCalls, type KeyStats, type UsageTotals } from './daily-doc.js';
import { countMinutes, decodeMinutes, encodeMinutes, union } from './minute-bitmap.js';
import {
  DAILY_BOUNDS,
  ENDPOINT_PATH_MAX_LENGTH,
  NameBudget,
  OTHER,
  dayNamesOf,
  endpointNameSchema,
  placeCounts,
  placeKeyEndpoints,
} from './usage-bounds.js';

/** The daily document as the fold's increments build it, kept in memory. */
interface Day {
  total_requests: number;
  error_count: number;
  latency_ms_sum: number;
  latency_buckets: LatencyHistogram;
  latency_buckets_by_endpoint: Record<string, LatencyHistogram>;
  latency_key_endpoints: number;
  call_minutes?: string;
  server_error_minutes?: string;
  requests_by_endpoint: Record<string, number>;
  requests_by_status: Record<string, number>;
  requests_by_key: Record<string, number>;
  key_stats: Record<string, KeyStats>;
}

function emptyDay(): Day {
  return {
    total_requests: 0,
    error_count: 0,
    latency_ms_sum: 0,
    latency_buckets: {},
    latency_buckets_by_endpoint: {},
    latency_key_endpoints: 0,
    requests_by_endpoint: {},
    requests_by_status: {},
    requests_by_key: {},
    key_stats: {},
  };
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [name, value] of Object.entries(source)) target[name] = (target[name] ?? 0) + value;
}

function addHistograms(
  target: Record<string, LatencyHistogram>,
  source: Record<string, LatencyHistogram>,
): void {
  for (const [name, histogram] of Object.entries(source)) mergeHistogram((target[name] ??= {}), histogram);
}

function orMinutes(stored: string | undefined, batch: Uint8Array): string {
  return encodeMinutes(union(decodeMinutes(stored), batch));
}

/** One fold: the names are read from the document first, as the transaction does. */
function fold(day: Day, keyId: string, raw: UsageTotals): void {
  const bound = boundToDay(dayNamesOf({ ...day }), keyId, raw);
  const { key, totals } = bound;
  day.total_requests += totals.requests;
  day.error_count += totals.errors;
  day.latency_ms_sum += totals.latency_ms_sum;
  mergeHistogram(day.latency_buckets, totals.latency);
  addHistograms(day.latency_buckets_by_endpoint, totals.latency_by_endpoint);
  day.latency_key_endpoints += bound.addedKeyEndpoints;
  day.call_minutes = orMinutes(day.call_minutes, totals.call_minutes);
  day.server_error_minutes = orMinutes(day.server_error_minutes, totals.server_error_minutes);
  addInto(day.requests_by_endpoint, totals.by_endpoint);
  addInto(day.requests_by_status, totals.by_status);
  addInto(day.requests_by_key, { [key]: totals.requests });
  const stats = (day.key_stats[key] ??= {
    requests: 0,
    units: 0,
    errors: 0,
    latency_ms_sum: 0,
    by_endpoint: {},
    by_status: {},
    latency_buckets: {},
    latency_buckets_by_endpoint: {},
  });
  stats.requests += totals.requests;
  stats.errors += totals.errors;
  stats.latency_ms_sum += totals.latency_ms_sum;
  addInto(stats.by_endpoint, totals.by_endpoint);
  addInto(stats.by_status, totals.by_status);
  mergeHistogram(stats.latency_buckets, totals.latency);
  addHistograms(stats.latency_buckets_by_endpoint, bound.keyLatencyByEndpoint);
  stats.call_minutes = orMinutes(stats.call_minutes, totals.call_minutes);
  stats.server_error_minutes = orMinutes(stats.server_error_minutes, totals.server_error_minutes);
}

const histogramTotal = (histogram: LatencyHistogram) => Object.values(histogram).reduce((a, b) => a + b, 0);

const sum = (map: Record<string, number>) => Object.values(map).reduce((total, value) => total + value, 0);
/** `OPTIONS /{id}-xxx…` with the longest path allowed. */
function longestEndpoint(id: string): string {
  const path = `/${id}-`;
  return `OPTIONS ${path}${'x'.repeat(ENDPOINT_PATH_MAX_LENGTH - path.length)}`;
}

describe('endpoint names', () => {
  it('accepts route patterns and refuses anything else', () => {
    for (const good of ['GET /orders', 'POST /v1/keys/verify', 'DELETE /orders/{id}', 'PATCH /users/:id/@me'])
      expect(endpointNameSchema.safeParse(good).success, good).toBe(true);
    expect(endpointNameSchema.safeParse(`OPTIONS /${'a'.repeat(ENDPOINT_PATH_MAX_LENGTH - 1)}`).success).toBe(
      true,
    );
    for (const bad of [
      'orders',
      'get /orders',
      'FETCH /orders',
      'GET orders',
      'GET /orders?id=1',
      'GET /a b',
      'GET /"quoted"',
      'GET /line\nbreak',
      'GET /caf\u00e9',
      `GET /${'a'.repeat(ENDPOINT_PATH_MAX_LENGTH)}`,
    ])
      expect(endpointNameSchema.safeParse(bad).success, bad).toBe(false);
  });
});

describe('NameBudget and placeCounts', () => {
  it('keeps names the day holds, admits new ones up to the cap, and counts the rest as other', () => {
    const held = new Set(['GET /a', 'GET /b']);
    const placed = placeCounts(
      { 'GET /b': 1, 'GET /c': 5, 'GET /d': 3, 'GET /e': 2, 'GET /f': 2 },
      new NameBudget(
        'endpoints',
        new Set([...held, ...range(DAILY_BOUNDS.endpoints - 4).map((i) => `GET /h${i}`)]),
      ),
    );
    // Two slots were free: the busiest new names take them.
    expect(placed).toEqual({ 'GET /b': 1, 'GET /c': 5, 'GET /d': 3, [OTHER]: 4 });
  });

  it('does not count other as a slot, and sends malformed names to other whatever the room', () => {
    const budget = new NameBudget('statuses', new Set([OTHER, '200']));
    expect(placeCounts({ '404': 1, '99': 1, '600': 2, abc: 1, '200': 1 }, budget)).toEqual({
      '200': 1,
      '404': 1,
      [OTHER]: 4,
    });
  });
});

describe('placeKeyEndpoints', () => {
  it('keeps the pairs a key holds, admits new ones busiest first up to the day’s budget, and sends the rest to OTHER', () => {
    const cap = DAILY_BOUNDS.key_endpoint_latency;
    const { placement, added } = placeKeyEndpoints(
      { 'GET /held': 1, 'GET /rare': 1, 'GET /busy': 9, [OTHER]: 4, 'GET /late': 2 },
      new Set(['GET /held']),
      cap - 2,
    );
    expect(Object.fromEntries(placement)).toEqual({
      'GET /held': 'GET /held',
      'GET /busy': 'GET /busy',
      'GET /late': 'GET /late',
      'GET /rare': OTHER,
      [OTHER]: OTHER,
    });
    expect(added).toBe(2);
    // A full day still records a pair it already holds under its own name.
    expect(
      placeKeyEndpoints({ 'GET /held': 1 }, new Set(['GET /held']), cap).placement.get('GET /held'),
    ).toBe('GET /held');
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('a daily document under a hostile caller', () => {
  it('stays below 1 MiB, holds each cap exactly, and every map and histogram still sums to the total', () => {
    const day = emptyDay();
    expect(endpointNameSchema.safeParse(longestEndpoint('999')).success).toBe(true);
    const dayStart = Date.parse('2026-10-15T00:00:00Z');
    let calls = 0;
    // 80 keys of the longest id (more than the key cap), each sending 120 endpoints of the
    // longest name (more than the endpoint cap) at every one of the 29 latency buckets, so every
    // histogram is full, with all 500 statuses, spread over every minute of the day.
    const latencies = [...LATENCY_BOUNDS_MS.map((bound) => bound - 0.5), 90_000];
    expect(new Set(latencies.map(latencyBucket)).size).toBe(LATENCY_BUCKETS);
    for (let k = 0; k < 80; k += 1) {
      const keyId = `${String(k).padStart(3, '0')}${'k'.repeat(61)}`;
      const batch = range(120).flatMap((i) =>
        latencies.map((latency, l) => {
          const n = i * latencies.length + l;
          return {
            endpoint: longestEndpoint(String(i)),
            status: 100 + ((k * 7 + n) % 500),
            latency_ms: latency,
            at: { toMillis: () => dayStart + ((k * 31 + n) % 1_440) * 60_000 },
          };
        }),
      );
      calls += batch.length;
      fold(day, keyId, summarizeCalls(batch));
    }
    const realNames = (map: Record<string, number>) => Object.keys(map).filter((name) => name !== OTHER);
    expect(realNames(day.requests_by_endpoint)).toHaveLength(DAILY_BOUNDS.endpoints);
    expect(realNames(day.requests_by_status)).toHaveLength(DAILY_BOUNDS.statuses);
    expect(realNames(day.requests_by_key)).toHaveLength(DAILY_BOUNDS.keys);
    expect(Object.keys(day.key_stats)).toHaveLength(DAILY_BOUNDS.keys + 1);
    expect(day.total_requests).toBe(calls);
    for (const map of [day.requests_by_endpoint, day.requests_by_status, day.requests_by_key])
      expect(sum(map)).toBe(calls);
    expect(Object.values(day.key_stats).reduce((total, stats) => total + sum(stats.by_endpoint), 0)).toBe(
      calls,
    );
    expect(Object.keys(day.latency_buckets)).toHaveLength(LATENCY_BUCKETS);
    expect(histogramTotal(day.latency_buckets)).toBe(calls);
    expect(Object.keys(day.latency_buckets_by_endpoint).sort()).toEqual(
      Object.keys(day.requests_by_endpoint).sort(),
    );
    for (const [endpoint, histogram] of Object.entries(day.latency_buckets_by_endpoint))
      expect(histogramTotal(histogram)).toBe(day.requests_by_endpoint[endpoint]);
    // The (key, endpoint) histograms: exactly the day's budget, plus each key's OTHER.
    const pairs = Object.values(day.key_stats).reduce(
      (total, stats) =>
        total + Object.keys(stats.latency_buckets_by_endpoint).filter((name) => name !== OTHER).length,
      0,
    );
    expect(pairs).toBe(DAILY_BOUNDS.key_endpoint_latency);
    expect(day.latency_key_endpoints).toBe(DAILY_BOUNDS.key_endpoint_latency);
    for (const stats of Object.values(day.key_stats)) {
      expect(Object.keys(stats.by_endpoint)).toHaveLength(DAILY_BOUNDS.endpoints + 1);
      expect(sum(stats.by_status)).toBe(stats.requests);
      expect(histogramTotal(stats.latency_buckets)).toBe(stats.requests);
      expect(
        Object.values(stats.latency_buckets_by_endpoint).reduce((total, h) => total + histogramTotal(h), 0),
      ).toBe(stats.requests);
    }
    expect(countMinutes(decodeMinutes(day.call_minutes))).toBe(1_440);

    const size = documentSize(`api_usage_daily/${'u'.repeat(128)}_2026-10-15`, {
      account_id: 'u'.repeat(128),
      date: '2026-10-15',
      updated_at: 0,
      ...day,
    });
    // The worst case the bounds allow, with room to spare under Firestore's 1 MiB (1,048,576).
    expect(size).toBeGreaterThan(800_000);
    expect(size).toBeLessThan(900_000);
  });

  it('places a known key and endpoint on its own name even when the day is full', () => {
    const day = emptyDay();
    for (let k = 0; k < DAILY_BOUNDS.keys; k += 1)
      fold(day, `key${k}`, summarizeCalls([{ endpoint: `GET /e${k}`, status: 200, latency_ms: 1 }]));
    for (let e = 0; e < DAILY_BOUNDS.endpoints; e += 1)
      fold(day, 'key0', summarizeCalls([{ endpoint: `GET /more${e}`, status: 201, latency_ms: 1 }]));
    fold(day, 'key7', summarizeCalls([{ endpoint: 'GET /e7', status: 200, latency_ms: 1 }]));
    fold(day, 'newcomer', summarizeCalls([{ endpoint: 'GET /never-seen', status: 200, latency_ms: 1 }]));
    expect(day.requests_by_key.key7).toBe(2);
    expect(day.requests_by_endpoint['GET /e7']).toBe(2);
    expect(day.requests_by_key[OTHER]).toBe(1);
    expect(day.key_stats[OTHER]?.by_endpoint).toEqual({ [OTHER]: 1 });
  });
});
