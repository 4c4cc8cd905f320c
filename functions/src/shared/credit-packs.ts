/**
 * Prepaid credit packs: bought through Stripe Checkout (payment mode), spent after the plan's
 * included units. One table for the functions (which price sells how many units) and the
 * dashboard (what to offer). The Stripe price of each pack is a Firebase parameter named here;
 * what Stripe charges is authoritative, `price_cents` is what the dashboard shows.
 */
import { z } from 'zod';

export const CREDIT_PACK_IDS = ['10k', '100k'] as const;
export const creditPackIdSchema = z.enum(CREDIT_PACK_IDS);
export type CreditPackId = z.infer<typeof creditPackIdSchema>;

export interface CreditPack {
  id: CreditPackId;
  /** Units credited for one pack. */
  units: number;
  /** The Firebase parameter (functions/.env.<project>) holding the pack's Stripe price id. */
  price_param: string;
  label: string;
  price_cents: number;
}

export const CREDIT_PACKS = {
  '10k': {
    id: '10k',
    units: 10_000,
    price_param: 'STRIPE_PRICE_CREDITS_10K',
    label: '10,000 credits',
    price_cents: 500,
  },
  '100k': {
    id: '100k',
    units: 100_000,
    price_param: 'STRIPE_PRICE_CREDITS_100K',
    label: '100,000 credits',
    price_cents: 4_000,
  },
} as const satisfies Readonly<Record<CreditPackId, CreditPack>>;

/** The parameter names of the packs' prices. */
export type CreditPackPriceParam = (typeof CREDIT_PACKS)[CreditPackId]['price_param'];
