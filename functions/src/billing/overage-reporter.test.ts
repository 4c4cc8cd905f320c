import { describe, expect, it, vi } from 'vitest';

vi.mock('firebase-functions/logger', () => ({ write: () => undefined }));

const { dueUnits, overageDaySchema, reportIdentifier, reportTimestamp, tooOldForStripe } =
  await import('./overage-reporter.js');

const at = (iso: string) => Date.parse(iso) / 1000;

describe('overage reports: what is due', () => {
  it('is what the day used beyond what was reported or given up on', () => {
    const day = (fields: Record<string, unknown>) =>
      overageDaySchema.parse({ account_id: 'a', date: '2026-11-03', ...fields });
    expect(dueUnits(day({ overage_units: 1_500 }))).toBe(1_500);
    expect(dueUnits(day({ overage_units: 1_500, overage_reported: 1_000 }))).toBe(500);
    expect(dueUnits(day({ overage_units: 1_500, overage_reported: 1_000, overage_abandoned: 500 }))).toBe(0);
    expect(dueUnits(day({ overage_units: 900, overage_reported: 1_000 }))).toBe(0);
  });

  it('reads a damaged pending report as none rather than failing the day', () => {
    const day = overageDaySchema.parse({
      account_id: 'a',
      date: '2026-11-03',
      overage_units: 10,
      overage_pending: { identifier: '', value: -1 },
    });
    expect(day.overage_pending).toBeNull();
  });
});

describe('overage reports: identifiers and times', () => {
  it('names a report by account, day and the total it brings the day to, so a rerun sends the same one', () => {
    expect(reportIdentifier('acct1', '2026-11-03', 1_500)).toBe('acct1_2026-11-03_1500');
    expect(reportIdentifier('acct1', '2026-11-03', 1_500)).toBe(
      reportIdentifier('acct1', '2026-11-03', 1_500),
    );
    expect(reportIdentifier('acct1', '2026-11-03', 1_600)).not.toBe(
      reportIdentifier('acct1', '2026-11-03', 1_500),
    );
  });

  it('keeps within Stripe’s 100 characters for the longest account ids, still the same every run', () => {
    const long = reportIdentifier('x'.repeat(128), '2026-11-03', Number.MAX_SAFE_INTEGER);
    expect(long.length).toBeLessThanOrEqual(100);
    expect(long).toBe(reportIdentifier('x'.repeat(128), '2026-11-03', Number.MAX_SAFE_INTEGER));
    expect(long).not.toBe(reportIdentifier('y'.repeat(128), '2026-11-03', Number.MAX_SAFE_INTEGER));
  });

  it('dates today’s report now and a past day’s at its last second, never in the future', () => {
    const now = new Date('2026-11-03T10:15:30Z');
    expect(reportTimestamp('2026-11-03', now)).toBe(at('2026-11-03T10:15:30Z'));
    expect(reportTimestamp('2026-11-02', now)).toBe(at('2026-11-02T23:59:59Z'));
    expect(reportTimestamp('2026-10-01', now)).toBe(at('2026-10-01T23:59:59Z'));
  });

  it('gives up on days Stripe no longer takes (35 days), with an hour to spare', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    expect(tooOldForStripe(reportTimestamp('2026-10-27', now), now)).toBe(false);
    expect(tooOldForStripe(at('2026-10-26T13:00:01Z'), now)).toBe(false);
    expect(tooOldForStripe(at('2026-10-26T12:59:59Z'), now)).toBe(true);
    expect(tooOldForStripe(reportTimestamp('2026-10-20', now), now)).toBe(true);
  });
});
