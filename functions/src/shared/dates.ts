import { z } from 'zod';

/** Dates (`YYYY-MM-DD`) and periods (`YYYY-MM`) are always UTC. */
export const isoDateSchema = z.iso.date();
export const periodSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');

export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function utcPeriod(at: Date): string {
  return at.toISOString().slice(0, 7);
}

/** First instant of the month after `period` (`YYYY-MM`), i.e. when its quota resets. */
export function periodEnd(period: string): Date {
  const [year, month] = period.split('-').map(Number);
  if (year === undefined || month === undefined) throw new Error(`not a period: ${period}`);
  return new Date(Date.UTC(year, month, 1));
}

export function previousPeriod(period: string): string {
  const [year, month] = period.split('-').map(Number);
  if (year === undefined || month === undefined) throw new Error(`not a period: ${period}`);
  return utcPeriod(new Date(Date.UTC(year, month - 2, 1)));
}

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return utcDate(at);
}

/** Inclusive count of days between two `YYYY-MM-DD` dates. */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000) + 1;
}
