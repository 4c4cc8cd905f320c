import { describe, expect, it } from 'vitest';
import { sampleKey, usableKeys } from '@/features/docs/sample-key';
import { buildKey, isoAgo } from '@/testing/mocks/db';

const DAY = 86_400_000;

describe('the code samples’ key', () => {
  it('is the usable key used most this month, whatever the list’s order', () => {
    const light = buildKey({ label: 'Light', monthly_usage: 3, created_at: isoAgo(DAY) });
    const busy = buildKey({ label: 'Busy', monthly_usage: 900, created_at: isoAgo(30 * DAY) });
    const expiring = buildKey({ label: 'Expiring', status: 'expiring', monthly_usage: 40 });
    expect(sampleKey([light, busy, expiring])?.label).toBe('Busy');
    expect(sampleKey([expiring, light])?.label).toBe('Expiring');
  });

  it('never is a revoked or expired key, however used', () => {
    const revoked = buildKey({ label: 'Revoked', status: 'revoked', monthly_usage: 5_000 });
    const expired = buildKey({ label: 'Expired', status: 'expired', monthly_usage: 4_000 });
    const idle = buildKey({ label: 'Idle', monthly_usage: 0 });
    expect(sampleKey([revoked, expired, idle])?.label).toBe('Idle');
    expect(usableKeys([revoked, expired, idle]).map((key) => key.label)).toEqual(['Idle']);
    expect(sampleKey([revoked, expired])).toBeUndefined();
  });

  it('is the newest among keys used as much', () => {
    const older = buildKey({ label: 'Older', monthly_usage: 10, created_at: isoAgo(9 * DAY) });
    const newer = buildKey({ label: 'Newer', monthly_usage: 10, created_at: isoAgo(2 * DAY) });
    expect(sampleKey([older, newer])?.label).toBe('Newer');
    expect(sampleKey([newer, older])?.label).toBe('Newer');
  });
});
