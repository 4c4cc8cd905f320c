import { periodEnd } from '@shared/dates';

export type RunOut =
  { kind: 'idle' } | { kind: 'lasts' } | { kind: 'runs_out'; at: Date; what: 'quota' | 'credits' };

/**
 * When, at this month's pace so far, the account's units run out: the included units, then the
 * prepaid credits that carry on after them. `lasts` when the pace ends the month with some left;
 * `idle` before there is a pace to go by (no units yet, or less than an hour into the month).
 */
export function runOut(
  usage: { units: number; quota: number; period: string },
  credits: number,
  now: Date,
): RunOut {
  const start = Date.parse(`${usage.period}-01T00:00:00Z`);
  const end = periodEnd(usage.period).getTime();
  const elapsed = now.getTime() - start;
  if (usage.units === 0 || elapsed < 3_600_000) return { kind: 'idle' };
  const perMs = usage.units / elapsed;
  const allowance = usage.quota + credits;
  const at = start + allowance / perMs;
  if (at >= end) return { kind: 'lasts' };
  return {
    kind: 'runs_out',
    at: new Date(Math.max(at, now.getTime())),
    what: credits > 0 ? 'credits' : 'quota',
  };
}
