import { describe, expect, it } from 'vitest';
import { UsageBuffer, type FlushPolicy, type UsageBatch, type UsageCall } from './usage-buffer.js';

const POLICY: FlushPolicy = { maxCalls: 5, maxAgeMs: 1_000, maxBufferedCalls: 12, maxRetainedCalls: 30 };

function call(overrides: Partial<UsageCall> = {}): UsageCall {
  return {
    key_id: 'key-a',
    account_id: 'acct-1',
    endpoint: 'GET /v1/time',
    method: 'GET',
    status: 200,
    latency_ms: 3,
    at: new Date('2026-10-15T12:00:00Z'),
    billable: true,
    units: 1,
    credit_units: 0,
    overage_units: 0,
    ...overrides,
  };
}

function harness(policy: FlushPolicy = POLICY) {
  let clock = 0;
  let ids = 0;
  const written: UsageBatch[][] = [];
  let failNext = 0;
  const events = { dropped: 0, failed: 0 };
  const buffer = new UsageBuffer(
    async (batches) => {
      if (failNext > 0) {
        failNext -= 1;
        throw new Error('unavailable');
      }
      written.push([...batches]);
    },
    policy,
    { dropped: (calls) => (events.dropped += calls), failed: () => (events.failed += 1) },
    () => clock,
    () => `batch-${(ids += 1)}`,
  );
  return {
    buffer,
    written,
    events,
    advance: (ms: number) => (clock += ms),
    failWrites: (count: number) => (failNext = count),
    writtenCalls: () => written.flat().reduce((sum, batch) => sum + batch.calls.length, 0),
  };
}

describe('UsageBuffer flushing policy', () => {
  it('is not due below every threshold, and writes nothing by itself', async () => {
    const h = harness();
    for (let i = 0; i < 4; i += 1) h.buffer.record(call());
    h.advance(999);
    expect(h.buffer.isDue()).toBe(false);
    await h.buffer.flushDue();
    expect(h.written).toEqual([]);
    expect(h.buffer.pendingCalls).toBe(4);
  });

  it('writes a (key, day) group as one batch when it reaches maxCalls', async () => {
    const h = harness();
    for (let i = 0; i < 5; i += 1) h.buffer.record(call());
    h.buffer.record(call({ key_id: 'key-b' }));
    expect(h.buffer.isDue()).toBe(true);
    await h.buffer.flushDue();
    expect(h.written).toHaveLength(1);
    const [batch] = h.written[0] ?? [];
    expect(batch).toMatchObject({
      key_id: 'key-a',
      account_id: 'acct-1',
      date: '2026-10-15',
      period: '2026-10',
      billable: 5,
    });
    expect(batch?.calls).toHaveLength(5);
    expect(h.buffer.pendingCalls).toBe(1);
  });

  it('writes a group once its oldest call is maxAgeMs old', async () => {
    const h = harness();
    h.buffer.record(call());
    h.advance(600);
    h.buffer.record(call({ key_id: 'key-b' }));
    h.advance(400);
    expect(h.buffer.isDue()).toBe(true);
    await h.buffer.flushDue();
    expect(h.written.flat().map((batch) => batch.key_id)).toEqual(['key-a']);
    h.advance(600);
    await h.buffer.flushDue();
    expect(h.written.flat().map((batch) => batch.key_id)).toEqual(['key-a', 'key-b']);
  });

  it('says how urgent a flush is: memory bounds and overdue groups now, old enough groups soon', () => {
    const full = harness();
    for (let i = 0; i < 5; i += 1) full.buffer.record(call());
    expect(full.buffer.due()).toBe('now');

    const many = harness();
    for (let i = 0; i < 12; i += 1) many.buffer.record(call({ key_id: `key-${i % 4}` }));
    expect(many.buffer.due()).toBe('now');

    const aged = harness();
    aged.buffer.record(call());
    expect(aged.buffer.due()).toBeUndefined();
    aged.advance(1_000);
    expect(aged.buffer.due()).toBe('soon');
    aged.advance(999);
    expect(aged.buffer.due()).toBe('soon');
    // Twice maxAgeMs: the timer did not run, so the instance had no CPU; the request waits.
    aged.advance(1);
    expect(aged.buffer.due()).toBe('now');
  });

  it('makes a failed write due soon once its retry time comes', async () => {
    const h = harness();
    h.buffer.record(call());
    h.advance(1_000);
    h.failWrites(1);
    await h.buffer.flushDue();
    expect(h.buffer.due()).toBeUndefined();
    h.advance(60_000);
    expect(h.buffer.due()).toBe('soon');
    await h.buffer.flushDue();
    expect(h.writtenCalls()).toBe(1);
  });

  it('writes every group when the instance holds maxBufferedCalls', async () => {
    const h = harness();
    for (let i = 0; i < 12; i += 1) h.buffer.record(call({ key_id: `key-${i % 4}` }));
    expect(h.buffer.isDue()).toBe(true);
    await h.buffer.flushDue();
    expect(h.written.flat()).toHaveLength(4);
    expect(h.writtenCalls()).toBe(12);
    expect(h.buffer.pendingCalls).toBe(0);
  });

  it('splits calls either side of UTC midnight into batches of their own day and period', async () => {
    const h = harness();
    h.buffer.record(call({ at: new Date('2026-10-31T23:59:59.999Z') }));
    h.buffer.record(call({ at: new Date('2026-11-01T00:00:00.000Z') }));
    await h.buffer.flushAll();
    const batches = h.written.flat().map((batch) => [batch.date, batch.period, batch.calls.length]);
    expect(batches).toEqual([
      ['2026-10-31', '2026-10', 1],
      ['2026-11-01', '2026-11', 1],
    ]);
  });

  it('flushAll writes everything regardless of thresholds', async () => {
    const h = harness();
    h.buffer.record(call());
    h.buffer.record(call({ key_id: 'key-b', billable: false }));
    await h.buffer.flushAll();
    expect(h.writtenCalls()).toBe(2);
    expect(h.written.flat().find((batch) => batch.key_id === 'key-b')?.billable).toBe(0);
  });
});

describe('UsageBuffer under write failures', () => {
  it('keeps failed batches, retries them with the same ids after a backoff, and loses nothing', async () => {
    const h = harness();
    for (let i = 0; i < 5; i += 1) h.buffer.record(call());
    h.failWrites(1);
    await h.buffer.flushDue();
    expect(h.written).toEqual([]);
    expect(h.buffer.pendingCalls).toBe(5);
    expect(h.buffer.isDue()).toBe(false);
    h.advance(500);
    expect(h.buffer.isDue()).toBe(true);
    await h.buffer.flushDue();
    expect(h.written.flat().map((batch) => batch.id)).toEqual(['batch-1']);
    expect(h.buffer.pendingCalls).toBe(0);
  });

  it('drops the oldest failed calls only beyond maxRetainedCalls, and reports how many', async () => {
    const h = harness();
    h.failWrites(100);
    for (let round = 0; round < 7; round += 1) {
      for (let i = 0; i < 5; i += 1) h.buffer.record(call({ key_id: `key-${round}` }));
      await h.buffer.flushDue();
    }
    expect(h.events.dropped).toBe(5);
    expect(h.buffer.pendingCalls).toBe(30);
  });
});
