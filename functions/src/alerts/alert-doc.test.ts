import { describe, expect, it } from 'vitest';
import { isDocumentId } from '../shared/ids.js';
import { alertId } from './alert-doc.js';
import { alertText } from './alert-text.js';
import { Timestamp } from 'firebase-admin/firestore';

describe('alert ids', () => {
  it('name the account, period, kind and threshold, and the key when there is one', () => {
    expect(
      alertId({
        account_id: 'acct1',
        period: '2026-12',
        kind: 'quota_threshold',
        threshold: 80,
        key_id: null,
      }),
    ).toBe('acct1_2026-12_quota_threshold_80');
    expect(
      alertId({ account_id: 'acct1', period: '2026-12', kind: 'key_cap', threshold: 5000, key_id: 'k_9' }),
    ).toBe('acct1_2026-12_key_cap_5000_k_9');
  });

  it('are one id per threshold whatever its spelling, and valid Firestore ids', () => {
    const base = {
      account_id: 'u'.repeat(128),
      period: '2026-12',
      kind: 'low_credits',
      key_id: null,
    } as const;
    expect(alertId({ ...base, threshold: 1e21 })).toBe(
      `${base.account_id}_2026-12_low_credits_1000000000000000000000`,
    );
    expect(alertId({ ...base, threshold: 0.5 })).toMatch(/_0p5$/);
    expect(isDocumentId(alertId({ ...base, threshold: 80 }))).toBe(true);
  });

  it('refuse what cannot name a document', () => {
    const base = { period: '2026-12', kind: 'quota_threshold', threshold: 80, key_id: null } as const;
    expect(() => alertId({ ...base, account_id: 'a/b' })).toThrow();
    expect(() => alertId({ ...base, account_id: '' })).toThrow();
    expect(() => alertId({ ...base, account_id: 'a', threshold: -1 })).toThrow();
    expect(() => alertId({ ...base, account_id: 'a', threshold: Number.NaN })).toThrow();
  });
});

describe('what an alert says', () => {
  const alert = {
    account_id: 'a',
    kind: 'quota_threshold',
    threshold: 80,
    period: '2026-12',
    key_id: null,
    meter: 'units',
    value: 80_000,
    limit: 100_000,
    fired_at: Timestamp.now(),
  } as const;

  it('names the share, the usage and the limit', () => {
    expect(alertText(alert)).toEqual({
      title: '80% of the monthly quota used (2026-12)',
      body: 'The account has used 80,000 units of its 100,000 units in 2026-12.',
    });
    expect(alertText({ ...alert, threshold: 100, value: 100_000 }).title).toBe(
      'Monthly quota reached (2026-12)',
    );
  });

  it('names the key for a key cap', () => {
    expect(
      alertText({ ...alert, kind: 'key_cap', key_id: 'key_42', threshold: 500, value: 500, limit: 500 }).body,
    ).toContain('Key key_42');
  });
});
