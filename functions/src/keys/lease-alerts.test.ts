import { describe, expect, it } from 'vitest';
import { parseAlertSettings } from '../alerts/settings.js';
import { accountLimits, type Allowance } from '../shared/plans.js';
import { budgetDocSchema, type BudgetDoc, type LeaseAsk } from './budget-ledger.js';
import { leaseAlerts } from './lease-alerts.js';

const NOW = new Date('2026-10-15T12:00:00Z');
const ACCOUNT = 'acct-1';

function ask(overrides: Partial<LeaseAsk> = {}): LeaseAsk {
  return {
    accountId: ACCOUNT,
    period: '2026-10',
    window: 0,
    account: { period: 0, window: 0, returned: 0 },
    ...overrides,
  };
}

function budget(fields: Partial<BudgetDoc>): BudgetDoc {
  return budgetDocSchema.parse({ period: '2026-10', ...fields });
}

function allowance(fields: Partial<Allowance> = {}): Allowance {
  return {
    limits: accountLimits('free', { monthly: 1_000 }),
    creditsGranted: 0,
    overage: { allowed: false, capUnits: null },
    ...fields,
  };
}

const fired = (alerts: ReturnType<typeof leaseAlerts>) => alerts.map(({ id }) => id);

describe('leaseAlerts', () => {
  it('fires each quota threshold the lease reaches, once: not below it, not again above it', () => {
    const settings = parseAlertSettings({});
    const run = (before: number, after: number) =>
      fired(
        leaseAlerts({
          ask: ask(),
          allowance: allowance(),
          settings,
          account: { before: budget({ period_granted: before }), after: budget({ period_granted: after }) },
          now: NOW,
        }),
      );
    expect(run(700, 799)).toEqual([]);
    expect(run(799, 800)).toEqual(['acct-1_2026-10_quota_threshold_80']);
    expect(run(790, 1_000)).toEqual([
      'acct-1_2026-10_quota_threshold_80',
      'acct-1_2026-10_quota_threshold_100',
    ]);
    expect(run(850, 900)).toEqual([]);
    // A budget document still on last month counts as nothing used this month.
    const lastMonth = budgetDocSchema.parse({ period: '2026-09', period_granted: 990 });
    expect(
      fired(
        leaseAlerts({
          ask: ask(),
          allowance: allowance(),
          settings,
          account: { before: lastMonth, after: budget({ period_granted: 900 }) },
          now: NOW,
        }),
      ),
    ).toEqual(['acct-1_2026-10_quota_threshold_80']);
  });

  it('fires low credits, the spend cap and a key cap as their levels are reached', () => {
    const alerts = leaseAlerts({
      ask: ask({
        key: { period: 5, window: 0, returned: 0, budgetId: 'key-1', capMonthly: 50, capPerMinute: null },
      }),
      allowance: allowance({ creditsGranted: 500, overage: { allowed: true, capUnits: 200 } }),
      settings: parseAlertSettings({ quota_thresholds: [], low_credits_units: 100 }),
      account: {
        before: budget({ credits_leased: 390, overage_period: '2026-10', overage_granted: 150 }),
        after: budget({ credits_leased: 410, overage_period: '2026-10', overage_granted: 200 }),
      },
      key: { before: budget({ period_granted: 48 }), after: budget({ period_granted: 50 }) },
      now: NOW,
    });
    expect(alerts.map(({ doc }) => [doc.kind, doc.threshold, doc.value, doc.limit, doc.key_id])).toEqual([
      ['low_credits', 100, 90, 500, null],
      ['spend_cap', 100, 200, 200, null],
      ['key_cap', 100, 50, 50, 'key-1'],
    ]);
    expect(fired(alerts)[2]).toBe('acct-1_2026-10_key_cap_100_key-1');
  });
});
