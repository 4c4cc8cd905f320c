import { describe, expect, it } from 'vitest';
import { convert, convertRequestSchema } from './convert.js';
import { forecastFor, forecastQuerySchema } from './forecast.js';

describe('forecastFor', () => {
  it('is deterministic per city (case-insensitive) and date', () => {
    expect(forecastFor('Lisbon', '2026-10-01')).toEqual(forecastFor('lisbon', '2026-10-01'));
    const week = Array.from({ length: 7 }, (_, i) => forecastFor('Lisbon', `2026-10-0${i + 1}`));
    expect(new Set(week.map((day) => JSON.stringify(day))).size).toBe(7);
  });

  it('gives plausible values', () => {
    for (const city of ['Lisbon', 'Oslo', 'Nairobi', 'Lima']) {
      const day = forecastFor(city, '2026-10-01');
      expect(day.temp_max_c).toBeGreaterThan(day.temp_min_c);
      expect(day.precipitation_mm).toBeGreaterThanOrEqual(0);
      expect(day.wind_kph).toBeGreaterThanOrEqual(3);
    }
  });

  it('validates the query: days is 1..7 and defaults to 3', () => {
    expect(forecastQuerySchema.parse({ city: 'Oslo' })).toEqual({ city: 'Oslo', days: 3 });
    expect(forecastQuerySchema.parse({ city: 'Oslo', days: '7' }).days).toBe(7);
    expect(forecastQuerySchema.safeParse({ city: 'Oslo', days: '8' }).success).toBe(false);
    expect(forecastQuerySchema.safeParse({ city: 'Oslo', days: 'two' }).success).toBe(false);
    expect(forecastQuerySchema.safeParse({ city: ' ' }).success).toBe(false);
  });
});

describe('convert', () => {
  it('converts through the dollar at the fixed rates', () => {
    expect(convert(100, 'USD', 'EUR')).toEqual({ rate: 0.92, result: 92 });
    expect(convert(92, 'EUR', 'USD')).toEqual({ rate: 1.086957, result: 100 });
    expect(convert(10, 'GBP', 'GBP')).toEqual({ rate: 1, result: 10 });
  });

  it('refuses unknown currencies and negative amounts', () => {
    expect(convertRequestSchema.safeParse({ amount: 1, from: 'USD', to: 'XYZ' }).success).toBe(false);
    expect(convertRequestSchema.safeParse({ amount: -1, from: 'USD', to: 'EUR' }).success).toBe(false);
    expect(convertRequestSchema.safeParse({ amount: '1', from: 'USD', to: 'EUR' }).success).toBe(false);
  });
});
