/** Usage fixtures for emulator-backed tests: batches shaped as an API instance's flush writes them. */
import type { UsageBatch, UsageCall } from '../keys/usage-buffer.js';
import { newDocumentId } from '../lib/random.js';
import { utcDate } from '../shared/dates.js';

/** One admitted `GET /v1/time` call at `at`; the key and account are filled in by usageBatch. */
export function timeCall(at: Date, overrides: Partial<UsageCall> = {}): UsageCall {
  return {
    key_id: 'set-by-batch',
    account_id: 'set-by-batch',
    endpoint: 'GET /v1/time',
    method: 'GET',
    status: 200,
    latency_ms: 2,
    at,
    billable: true,
    // A refused call is charged nothing (with-api-key.ts recordCall).
    units: overrides.billable === false ? 0 : 1,
    credit_units: 0,
    overage_units: 0,
    ...overrides,
  };
}

/** A batch of one key's calls on one UTC day (that of the first call), with a fresh id. */
export function usageBatch(keyId: string, accountId: string, calls: readonly UsageCall[]): UsageBatch {
  const first = calls[0];
  if (first === undefined) throw new Error('empty batch');
  const date = utcDate(first.at);
  const stamped = calls.map((c) => ({ ...c, key_id: keyId, account_id: accountId }));
  return {
    id: newDocumentId(),
    key_id: keyId,
    account_id: accountId,
    date,
    period: date.slice(0, 7),
    calls: stamped,
    billable: stamped.filter((c) => c.billable).length,
    units: stamped.reduce((sum, c) => sum + c.units, 0),
    credit_units: stamped.reduce((sum, c) => sum + c.credit_units, 0),
    overage_units: stamped.reduce((sum, c) => sum + c.overage_units, 0),
    meter_units: {},
  };
}
