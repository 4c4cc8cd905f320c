import { describe, expect, it } from 'vitest';
import { runOut } from './run-out';

const usage = (units: number, quota = 1_000) => ({ units, quota, period: '2026-11' });

describe('runOut', () => {
  it('projects this month’s pace to the day the quota is used up', () => {
    // 500 units in the first 10 days: 50 a day, so 1,000 last 20 days.
    expect(runOut(usage(500), 0, new Date('2026-11-11T00:00:00Z'))).toEqual({
      kind: 'runs_out',
      at: new Date('2026-11-21T00:00:00Z'),
      what: 'quota',
    });
  });

  it('counts prepaid credits after the quota, and names them', () => {
    // 50 a day again: 1,000 included and 500 credits last 30 days, to Dec 1, the month's end.
    expect(runOut(usage(500), 400, new Date('2026-11-11T00:00:00Z'))).toEqual({
      kind: 'runs_out',
      at: new Date('2026-11-29T00:00:00Z'),
      what: 'credits',
    });
    expect(runOut(usage(500), 500, new Date('2026-11-11T00:00:00Z'))).toEqual({ kind: 'lasts' });
  });

  it('says nothing before there is a pace, and never a date in the past', () => {
    expect(runOut(usage(0), 0, new Date('2026-11-20T00:00:00Z'))).toEqual({ kind: 'idle' });
    expect(runOut(usage(10), 0, new Date('2026-11-01T00:30:00Z'))).toEqual({ kind: 'idle' });
    const now = new Date('2026-11-11T00:00:00Z');
    expect(runOut(usage(1_500), 0, now)).toEqual({ kind: 'runs_out', at: now, what: 'quota' });
  });
});
