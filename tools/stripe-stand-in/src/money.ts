import type { Price } from './objects.js';

const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);

/** Stripe accepts `unit_amount_decimal` with up to 12 decimal places. */
export const UNIT_AMOUNT_DECIMAL = /^\d{1,19}(\.\d{1,12})?$/;

/** `"0050.500"` → `"50.5"`: the form Stripe echoes a decimal amount back in. */
export function normalizeDecimal(decimal: string): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  const digits = fraction.replace(/0+$/, '');
  return digits === '' ? String(BigInt(whole)) : `${String(BigInt(whole))}.${digits}`;
}

/** `2900, 'usd'` → `$29.00`: amounts are in the currency's smallest unit, as in Stripe. */
export function formatAmount(amount: number, currency: string): string {
  const divisor = ZERO_DECIMAL.has(currency) ? 1 : 100;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    maximumFractionDigits: 12,
  }).format(amount / divisor);
}

/** The per-unit amount in the smallest currency unit, possibly fractional (`"0.05"`). */
export function unitAmountOf(price: Price): string {
  return price.unit_amount_decimal ?? String(price.unit_amount ?? 0);
}

/**
 * The quantity a price bills for `quantity` units: reported usage divided into packages by
 * `transform_quantity` and rounded as the price says. Negative usage bills nothing.
 */
export function billedQuantity(price: Price, quantity: number): number {
  const units = Math.max(quantity, 0);
  const transform = price.transform_quantity;
  if (transform === null) return units;
  const packages = units / transform.divide_by;
  return transform.round === 'up' ? Math.ceil(packages) : Math.floor(packages);
}

/**
 * What `quantity` units of `price` cost, in the smallest currency unit. Decimal unit amounts
 * are multiplied exactly (integers scaled by a power of ten, never floats) and the total is
 * rounded half up to a whole unit.
 */
export function amountFor(price: Price, quantity: number): number {
  const billed = BigInt(billedQuantity(price, quantity));
  const [whole = '0', fraction = ''] = unitAmountOf(price).split('.');
  const scale = 10n ** BigInt(fraction.length);
  const scaled = billed * BigInt(`${whole}${fraction}`);
  return Number((scaled * 2n + scale) / (scale * 2n));
}

/** `$29.00 / month`, `$0.50 per 1000 units / month`, `$10.00 every 3 months`. */
export function formatPrice(price: Price): string {
  const unit = formatAmount(Number(unitAmountOf(price)), price.currency);
  const amount =
    price.transform_quantity === null ? unit : `${unit} per ${price.transform_quantity.divide_by} units`;
  const recurring = price.recurring;
  if (recurring === null) return amount;
  const every =
    recurring.interval_count === 1
      ? `${amount} / ${recurring.interval}`
      : `${amount} every ${recurring.interval_count} ${recurring.interval}s`;
  return recurring.usage_type === 'metered' ? `${every}, billed on usage` : every;
}
