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

/** `2900, 'usd'` → `$29.00`: amounts are in the currency's smallest unit, as in Stripe. */
export function formatAmount(amount: number, currency: string): string {
  const divisor = ZERO_DECIMAL.has(currency) ? 1 : 100;
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / divisor,
  );
}

/** `$29.00 / month`, `$10.00 every 3 months`. */
export function formatPrice(price: Price): string {
  const amount = formatAmount(price.unit_amount, price.currency);
  const recurring = price.recurring;
  if (recurring === null) return amount;
  return recurring.interval_count === 1
    ? `${amount} / ${recurring.interval}`
    : `${amount} every ${recurring.interval_count} ${recurring.interval}s`;
}
