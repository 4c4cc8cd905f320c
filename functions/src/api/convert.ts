/** POST /v1/convert {amount, from, to}: currency conversion at fixed demo rates. */
import { z } from 'zod';
import { parseBody } from '../http/parse.js';
import type { ApiHandler } from '../keys/with-api-key.js';

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

const currencySchema = z.enum(
  Object.keys(DEMO_RATES) as [keyof typeof DEMO_RATES, ...(keyof typeof DEMO_RATES)[]],
);

export const convertRequestSchema = z.strictObject({
  amount: z.number().finite().nonnegative().max(1e12),
  from: currencySchema,
  to: currencySchema,
});

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function convert(amount: number, from: keyof typeof DEMO_RATES, to: keyof typeof DEMO_RATES) {
  const rate = DEMO_RATES[to] / DEMO_RATES[from];
  return { rate: round(rate, 6), result: round(amount * rate, 2) };
}

export const postConvert: ApiHandler = async (req) => {
  const body = await parseBody(req, convertRequestSchema);
  const { rate, result } = convert(body.amount, body.from, body.to);
  return {
    body: { amount: body.amount, from: body.from, to: body.to, rate, result, rates_as_of: DEMO_RATES_AS_OF },
  };
};
