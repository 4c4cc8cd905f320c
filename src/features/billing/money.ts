/** $12.50: an amount in the currency's smallest unit, with its cents (invoices, caps, packs). */
export function formatMoney(amount: number, currency = 'usd'): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(
    amount / 100,
  );
}
