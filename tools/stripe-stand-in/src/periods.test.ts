import { describe, expect, it } from 'vitest';
import { periodBoundary } from './periods.js';

const at = (iso: string): number => Date.parse(iso) / 1000;

describe('periodBoundary', () => {
  it('adds calendar months keeping the time of day', () => {
    expect(periodBoundary(at('2026-03-15T10:20:30Z'), 'month', 1, 1)).toBe(at('2026-04-15T10:20:30Z'));
    expect(periodBoundary(at('2026-11-15T00:00:00Z'), 'month', 1, 2)).toBe(at('2027-01-15T00:00:00Z'));
  });

  it('clamps to the end of shorter months without drifting the anchor', () => {
    const anchor = at('2026-01-31T12:00:00Z');
    expect(periodBoundary(anchor, 'month', 1, 1)).toBe(at('2026-02-28T12:00:00Z'));
    expect(periodBoundary(anchor, 'month', 1, 2)).toBe(at('2026-03-31T12:00:00Z'));
    expect(periodBoundary(at('2028-01-31T00:00:00Z'), 'month', 1, 1)).toBe(at('2028-02-29T00:00:00Z'));
  });

  it('handles days, weeks, years and interval counts', () => {
    const anchor = at('2026-02-28T00:00:00Z');
    expect(periodBoundary(anchor, 'day', 1, 3)).toBe(at('2026-03-03T00:00:00Z'));
    expect(periodBoundary(anchor, 'week', 2, 1)).toBe(at('2026-03-14T00:00:00Z'));
    expect(periodBoundary(anchor, 'year', 1, 1)).toBe(at('2027-02-28T00:00:00Z'));
    expect(periodBoundary(anchor, 'month', 3, 1)).toBe(at('2026-05-28T00:00:00Z'));
  });
});
