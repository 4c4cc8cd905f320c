/**
 * The `/v1` API's response schemas: what its handlers answer with, and what its OpenAPI
 * document (GET /v1/openapi.json) says they answer with. Request schemas stay beside their
 * handlers (functions/src/api/), which parse with them; both kinds reach the document through
 * the route table in functions/src/api/routes.ts.
 */
import { z } from 'zod';
import { integrationSchema, keyMetadataSchema, scopeSchema } from './contracts.js';
import { errorCodeSchema } from './errors.js';

const timestampSchema = z.iso.datetime();

export const timeResponseSchema = z.object({
  now: timestampSchema.meta({ description: 'The server clock, ISO 8601 in UTC.' }),
  unix: z.number().int().meta({ description: 'The same instant in Unix seconds.' }),
  timezone: z.literal('UTC'),
});
export type TimeResponse = z.infer<typeof timeResponseSchema>;

export const SKIES = [
  'sunny',
  'partly cloudy',
  'cloudy',
  'light rain',
  'showers',
  'windy',
  'fog',
  'thunderstorms',
] as const;

export const forecastDaySchema = z.object({
  date: z.iso.date(),
  summary: z.enum(SKIES),
  temp_min_c: z.number(),
  temp_max_c: z.number(),
  precipitation_mm: z.number().nonnegative(),
  wind_kph: z.number().nonnegative(),
});
export type ForecastDay = z.infer<typeof forecastDaySchema>;

export const forecastResponseSchema = z.object({
  city: z.string(),
  units: z.literal('metric'),
  source: z.string(),
  days: z.array(forecastDaySchema).meta({ description: 'One entry per day, today (UTC) first.' }),
});
export type ForecastResponse = z.infer<typeof forecastResponseSchema>;

/** Units of each currency per US dollar. Fixed: this is demo data, not a price feed. */
export const DEMO_RATES = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  JPY: 151.4,
  CHF: 0.88,
  CAD: 1.37,
  AUD: 1.52,
} as const;
export const DEMO_RATES_AS_OF = '2026-01-01';
export type Currency = keyof typeof DEMO_RATES;
export const currencySchema = z.enum(Object.keys(DEMO_RATES) as [Currency, ...Currency[]]);

export const convertResponseSchema = z.object({
  amount: z.number(),
  from: currencySchema,
  to: currencySchema,
  rate: z.number().meta({ description: 'Units of `to` per unit of `from`, to 6 decimals.' }),
  result: z.number().meta({ description: 'The amount in `to`, to 2 decimals.' }),
  rates_as_of: z.iso.date(),
});
export type ConvertResponse = z.infer<typeof convertResponseSchema>;

export const EMAIL_VERDICTS = ['valid', 'invalid_syntax', 'disposable'] as const;
export const emailVerdictSchema = z.enum(EMAIL_VERDICTS);
export type EmailVerdict = z.infer<typeof emailVerdictSchema>;

export const verifyEmailsResponseSchema = z.object({
  results: z
    .array(z.object({ email: z.string(), result: emailVerdictSchema }))
    .meta({ description: 'One entry per distinct address (trimmed, lower-cased).' }),
  units: z.number().int().nonnegative().meta({ description: 'Units charged: one per distinct address.' }),
});
export type VerifyEmailsResponse = z.infer<typeof verifyEmailsResponseSchema>;

const limitViewSchema = z.object({
  limit: z.number().int(),
  remaining: z.number().int(),
  reset: z.number().int().meta({ description: 'Unix seconds, as in the X-RateLimit-Reset header.' }),
});

export const verifyKeyResponseSchema = z.object({
  valid: z.boolean(),
  code: z
    .union([z.literal('valid'), errorCodeSchema])
    .meta({ description: '`valid`, or the error code the API itself would have refused the key with.' }),
  message: z.string().nullable(),
  key_id: z.string().nullable(),
  owner: z.string().nullable().meta({ description: 'The account the key belongs to.' }),
  scopes: z.array(scopeSchema),
  integration: integrationSchema
    .nullable()
    .meta({ description: 'The integration the key was created for, if any.' }),
  metadata: keyMetadataSchema.nullable().meta({
    description:
      "The key's metadata as its account set it (null when none): tie the key to your own records.",
  }),
  units: z.number().int().nonnegative().meta({ description: 'Units charged: the cost when valid, else 0.' }),
  ratelimit: limitViewSchema.nullable(),
  quota: limitViewSchema.nullable(),
});
export type VerifyKeyResponse = z.infer<typeof verifyKeyResponseSchema>;

/** What GET /v1/openapi.json answers: an OpenAPI 3.1 document (its full schema is the spec's). */
export const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
