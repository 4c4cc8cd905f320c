/** POST /v1/convert {amount, from, to}: currency conversion at fixed demo rates. */
import { z } from 'zod';
import {
  DEMO_RATES,
  DEMO_RATES_AS_OF,
  currencySchema,
  type ConvertResponse,
  type Currency,
} from '../shared/v1-contracts.js';

export const convertRequestSchema = z.strictObject({
  amount: z.number().finite().nonnegative().max(1e12).meta({ example: 10 }),
  from: currencySchema.meta({ example: 'USD' }),
  to: currencySchema.meta({ example: 'EUR' }),
});
export type ConvertRequest = z.output<typeof convertRequestSchema>;

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function convert(amount: number, from: Currency, to: Currency) {
  const rate = DEMO_RATES[to] / DEMO_RATES[from];
  return { rate: round(rate, 6), result: round(amount * rate, 2) };
}

export function conversion(body: ConvertRequest): ConvertResponse {
  const { rate, result } = convert(body.amount, body.from, body.to);
  return { amount: body.amount, from: body.from, to: body.to, rate, result, rates_as_of: DEMO_RATES_AS_OF };
}
