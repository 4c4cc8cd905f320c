import { ApiError, describeError } from '@/lib/api-error';

export interface BillingProblem {
  message: string;
  /** The way forward is the Customer Portal (e.g. a subscriber asking Checkout for another plan). */
  offerPortal: boolean;
}

/**
 * What to tell someone whose billing request (Checkout, the portal, a plan change, credits,
 * settings) failed. Billing's codes mean more here than the generic texts say: a 503 from
 * billing is Stripe not being configured on this server, not a passing outage.
 */
export function describeBillingError(error: unknown): BillingProblem {
  if (error instanceof ApiError) {
    switch (error.code) {
      case 'already_subscribed':
        return {
          message:
            'You already pay for a plan. Plan changes happen in the billing portal, which changes your existing subscription instead of starting a second one.',
          offerPortal: true,
        };
      case 'already_on_plan':
        return { message: 'You are already on that plan.', offerPortal: false };
      case 'no_billing_account':
        return {
          message: 'There is no billing account yet: it is created when you first upgrade to a paid plan.',
          offerPortal: false,
        };
      case 'no_subscription':
        return {
          message: 'This account has no paid subscription to change. Upgrade to a paid plan first.',
          offerPortal: false,
        };
      case 'billing_unavailable': {
        const wait = error.retryAfter === undefined ? 'shortly' : `in ${error.retryAfter} seconds`;
        return {
          message: `Billing is unavailable for now: our payment provider cannot be reached. Nothing was charged or changed; try again ${wait}. Your plan and keys keep working.`,
          offerPortal: false,
        };
      }
      case 'unavailable':
        return {
          message:
            'Billing is unavailable: payments are not set up on this Keymeter server. Your plan and keys are unaffected.',
          offerPortal: false,
        };
    }
  }
  return { message: describeError(error), offerPortal: false };
}
