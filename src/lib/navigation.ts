/** Leaves the app for another site (Stripe Checkout, the Customer Portal). */
export function leaveTo(url: string): void {
  window.location.assign(url);
}
