/** GET /v1/forecast?city=&days=: a made-up but stable forecast (same city and date, same weather). */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { addDays, utcDate } from '../shared/dates.js';
import { SKIES, type ForecastDay, type ForecastResponse } from '../shared/v1-contracts.js';

export const FORECAST_MAX_DAYS = 7;

export const forecastQuerySchema = z.strictObject({
  city: z.string().trim().min(1, 'city is required').max(64, 'city is at most 64 characters').meta({
    description: 'Any city name; the same city and day always get the same weather.',
    example: 'Lisbon',
  }),
  days: z
    .string()
    .regex(/^\d{1,2}$/, 'days is a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(FORECAST_MAX_DAYS))
    .default(3)
    .meta({ description: `Days to forecast, 1 to ${FORECAST_MAX_DAYS} (default 3).`, example: '3' }),
});
export type ForecastQuery = z.output<typeof forecastQuerySchema>;

function seeded(city: string, date: string): Buffer {
  return createHash('sha256').update(`${city.toLowerCase()}|${date}`).digest();
}

export function forecastFor(city: string, date: string): ForecastDay {
  const bytes = seeded(city, date);
  const byte = (index: number) => bytes[index] ?? 0;
  const summary = SKIES[byte(0) % SKIES.length] ?? 'sunny';
  const min = Math.round((byte(1) / 255) * 25 - 5);
  const wet = summary === 'light rain' || summary === 'showers' || summary === 'thunderstorms';
  return {
    date,
    summary,
    temp_min_c: min,
    temp_max_c: min + 2 + (byte(2) % 12),
    precipitation_mm: wet ? Math.round((byte(3) / 255) * 200) / 10 : 0,
    wind_kph: 3 + (byte(4) % 45),
  };
}

export function forecast(query: ForecastQuery, now = new Date()): ForecastResponse {
  const today = utcDate(now);
  return {
    city: query.city,
    units: 'metric',
    source: 'Keymeter demo data',
    days: Array.from({ length: query.days }, (_, index) => forecastFor(query.city, addDays(today, index))),
  };
}
