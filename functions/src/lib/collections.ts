/** Firestore collection names, as in SPEC.md's data model. */
export const USERS = 'users';
export const API_KEYS = 'api_keys';
export const API_USAGE_EVENTS = 'api_usage_events';
export const API_USAGE_DAILY = 'api_usage_daily';
export const API_USAGE_MONTHLY = 'api_usage_monthly';
export const STRIPE_EVENTS = 'stripe_events';

export function dailyDocId(userId: string, date: string): string {
  return `${userId}_${date}`;
}

export function monthlyDocId(userId: string, period: string): string {
  return `${userId}_${period}`;
}
