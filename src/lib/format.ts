import { PLANS, type PlanTier } from '@shared/plans';

const LOCALE = undefined; // the visitor's own locale

const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 1 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

export function formatNumber(value: number): string {
  return integer.format(value);
}

/** "1 call", "1,204 calls": a count with its noun. */
export function formatCount(value: number, singular: string, plural = `${singular}s`): string {
  return `${integer.format(value)} ${value === 1 ? singular : plural}`;
}

/** 1.2K, 3.4M — for chart axes and tight spaces. */
export function formatCompact(value: number): string {
  return compact.format(value);
}

export function formatPercent(ratio: number): string {
  return percent.format(ratio);
}

export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

export function formatPrice(cents: number): string {
  return cents === 0 ? '$0' : usd.format(cents / 100);
}

export function planName(tier: PlanTier): string {
  return PLANS[tier].name;
}

/** A key's caps as shown beside it: "cap 5,000/month", "cap 60/min"; none when it has none. */
export function formatCaps(key: { cap_monthly: number | null; cap_per_minute: number | null }): string[] {
  return [
    ...(key.cap_monthly === null ? [] : [`cap ${integer.format(key.cap_monthly)}/month`]),
    ...(key.cap_per_minute === null ? [] : [`cap ${integer.format(key.cap_per_minute)}/min`]),
  ];
}

/** 12 Mar 2025 — dates of records, shown in UTC like everything the API stores. */
export function formatDate(iso: string): string {
  return new Date(iso).toLocaleDateString(LOCALE, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** 12 Mar 2025, 14:03 in the visitor's time zone — for moments such as a request. */
export function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString(LOCALE, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Mar 12 — for chart axes over a `YYYY-MM-DD` day. */
export function formatDay(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(LOCALE, {
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago", "in 2 days", "just now". */
export function formatRelative(iso: string, now: Date = new Date()): string {
  const seconds = (new Date(iso).getTime() - now.getTime()) / 1000;
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'minute') {
      return relative.format(Math.round(seconds / size), unit);
    }
  }
  return 'just now';
}

/**
 * A metered call's method and path. Usage records name endpoints `METHOD /path` (as in the
 * endpoint breakdown), so the path is what follows the method.
 */
export function requestParts(method: string, endpoint: string): { method: string; path: string } {
  const prefix = `${method} `;
  return { method, path: endpoint.startsWith(prefix) ? endpoint.slice(prefix.length) : endpoint };
}
