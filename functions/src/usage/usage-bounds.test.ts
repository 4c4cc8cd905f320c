import { describe, expect, it } from 'vitest';
import { documentSize } from '../test-support/document-size.js';
import { boundToDay, summarizeCalls, type KeyStats, type UsageTotals } from './daily-doc.js';
import {
  DAILY_BOUNDS,
  ENDPOINT_PATH_MAX_LENGTH,
  NameBudget,
  OTHER,
  dayNamesOf,
  endpointNameSchema,
  placeCounts,
} from './usage-bounds.js';

/** The daily document as the fold's increments build it, kept in memory. */
interface Day {
  total_requests: number;
  error_count: number;
  latency_ms_sum: number;
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
    requests_by_endpoint: {},
    requests_by_status: {},
    requests_by_key: {},
    key_stats: {},
  };
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [name, value] of Object.entries(source)) target[name] = (target[name] ?? 0) + value;
}

/** One fold: the names are read from the document first, as the transaction does. */
function fold(day: Day, keyId: string, raw: UsageTotals): void {
  const { key, totals } = boundToDay(dayNamesOf({ ...day }), keyId, raw);
  day.total_requests += totals.requests;
  day.error_count += totals.errors;
  day.latency_ms_sum += totals.latency_ms_sum;
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
  });
  stats.requests += totals.requests;
  stats.errors += totals.errors;
  stats.latency_ms_sum += totals.latency_ms_sum;
  addInto(stats.by_endpoint, totals.by_endpoint);
  addInto(stats.by_status, totals.by_status);
}

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

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

describe('a daily document under a hostile caller', () => {
  it('stays far below 1 MiB, holds each cap exactly, and every map still sums to the total', () => {
    const day = emptyDay();
    expect(endpointNameSchema.safeParse(longestEndpoint('999')).success).toBe(true);
    let calls = 0;
    // 200 keys of the longest id, each sending the same 1,000 endpoints of the longest name (so
    // every key's own map fills up too) and all 500 statuses.
    for (let k = 0; k < 200; k += 1) {
      const keyId = `${String(k).padStart(3, '0')}${'k'.repeat(61)}`;
      const batch = range(1_000).map((i) => ({
        endpoint: longestEndpoint(String(i)),
        status: 100 + ((k * 7 + i) % 500),
        latency_ms: 3,
      }));
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
    for (const stats of Object.values(day.key_stats)) {
      expect(Object.keys(stats.by_endpoint)).toHaveLength(DAILY_BOUNDS.endpoints + 1);
      expect(sum(stats.by_status)).toBe(stats.requests);
    }

    const size = documentSize(`api_usage_daily/${'u'.repeat(128)}_2026-10-15`, {
      account_id: 'u'.repeat(128),
      date: '2026-10-15',
      updated_at: 0,
      ...day,
    });
    // The worst case the bounds allow, with a third of Firestore's 1 MiB to spare.
    expect(size).toBeGreaterThan(500_000);
    expect(size).toBeLessThan(700_000);
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
