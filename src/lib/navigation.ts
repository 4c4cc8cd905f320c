import { useCallback } from 'react';
import { accountPagePath } from '@/config/paths';
import { useActiveAccount } from '@/lib/active-account';

/** Leaves the app for another site (Stripe Checkout, the Customer Portal). */
export function leaveTo(url: string): void {
  window.location.assign(url);
}

/**
 * Links between account pages stay in the account the page shows: `link(paths.keys)` is
 * `/keys` in the personal account and `/t/acme/keys` in the team `acme`.
 */
export function useAccountLink(): (path: string) => string {
  const { slug } = useActiveAccount();
  return useCallback((path: string) => accountPagePath(slug, path), [slug]);
}
