/**
 * The instance's usage recorder: the buffer, its Firestore sink, and the three moments a flush
 * starts. (1) A request that finds the buffer due starts the flush. If a bound on memory is
 * reached, or the buffer is overdue because the instance had no CPU (Cloud Functions 2nd gen
 * may throttle CPU once a response is sent), it waits for the write, up to FLUSH_WAIT_MS,
 * before answering: work inside a request is the only work sure to run. If the buffer is merely
 * old enough, the write starts right after the response (startSoon), so no call waits for a
 * Firestore round trip in steady traffic; should CPU be throttled then, it goes on with the
 * next request or at SIGTERM. (2) A timer, which runs whenever the instance has CPU (always in
 * the emulator). (3) SIGTERM, which 2nd gen sends 10 s before stopping an instance.
 *
 * What can be lost: only calls not yet written when an instance dies without SIGTERM (crash,
 * out of memory, host failure). In steady traffic that is the calls of the last
 * FLUSH_POLICY.maxAgeMs on that instance plus the write under way; never more than those of the
 * last 2 × maxAgeMs of traffic, nor more than maxBufferedCalls plus the calls in flight (the
 * instance's concurrency). And while Firestore refuses writes, beyond maxRetainedCalls (logged as
 * `usage_dropped`).
 */
import { db } from '../lib/firebase.js';
import { API_USAGE_EVENTS } from '../lib/collections.js';
import { log } from '../lib/log.js';
import { isEmulator } from '../lib/runtime.js';
import { onShutdown } from '../lib/shutdown.js';
import { startSoon } from '../lib/start-soon.js';
import { toBatchDoc } from './batch-doc.js';
import { UsageBuffer, type FlushPolicy, type UsageBatch, type UsageCall } from './usage-buffer.js';

export const PRODUCTION_FLUSH_POLICY: FlushPolicy = {
  maxCalls: 500,
  maxAgeMs: 10_000,
  maxBufferedCalls: 2_000,
  maxRetainedCalls: 50_000,
};

/**
 * In the emulator, usage shows up within a few seconds so tests and demos see it. Not shorter:
 * the Functions emulator runs one request per worker process, so twenty concurrent callers mean
 * twenty instances each flushing every key, and each batch costs a trigger delivery.
 */
export const EMULATOR_FLUSH_POLICY: FlushPolicy = { ...PRODUCTION_FLUSH_POLICY, maxAgeMs: 3_000 };

export const FLUSH_WAIT_MS = 2_000;
const TIMER_PERIOD_MS = 250;

const ALREADY_EXISTS = 6;

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === ALREADY_EXISTS;
}

/** One commit per flush. `create` makes a retried commit that had in fact succeeded a no-op. */
export async function writeUsageBatches(batches: readonly UsageBatch[]): Promise<void> {
  const firestore = db();
  const writer = firestore.batch();
  for (const batch of batches)
    writer.create(firestore.collection(API_USAGE_EVENTS).doc(batch.id), toBatchDoc(batch));
  try {
    await writer.commit();
  } catch (error) {
    // Batched writes are atomic: if one of these documents exists, the earlier attempt wrote them all.
    if (!isAlreadyExists(error)) throw error;
  }
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Waits for `work` at most `ms`; the work itself carries on if the wait gives up. */
export async function waitAtMost(work: Promise<void>, ms: number): Promise<void> {
  const timeout = delay(ms);
  await Promise.race([work, timeout.promise]);
  timeout.cancel();
}

export class UsageRecorder {
  readonly buffer: UsageBuffer;
  private started = false;
  private readonly writtenListeners = new Set<(batches: readonly UsageBatch[]) => void>();

  constructor(policy: FlushPolicy, sink = writeUsageBatches) {
    this.buffer = new UsageBuffer(
      async (batches) => {
        await sink(batches);
        for (const listener of this.writtenListeners) listener(batches);
      },
      policy,
      {
        flushed: (batches, durationMs) =>
          log.usageFlushed({
            batches: batches.length,
            calls: batches.reduce((sum, batch) => sum + batch.calls.length, 0),
            duration_ms: Math.round(durationMs),
            reason: 'due',
          }),
        failed: (batches, attempt, error) =>
          log.usageFlushFailed(
            {
              batches: batches.length,
              calls: batches.reduce((sum, batch) => sum + batch.calls.length, 0),
              attempt,
            },
            error,
          ),
        dropped: (calls) => log.usageDropped({ calls, reason: 'firestore_unavailable' }),
      },
    );
  }

  /** Buffers a call; returns the flush it started when the request must wait for it. */
  record(call: UsageCall): Promise<void> | undefined {
    this.start();
    this.buffer.record(call);
    const due = this.buffer.due();
    if (due === 'now') return this.buffer.flushDue();
    if (due === 'soon') startSoon(() => void this.buffer.flushDue());
    return undefined;
  }

  /** For tools that run the pipeline in-process (the benchmark): told of every written batch. */
  onWritten(listener: (batches: readonly UsageBatch[]) => void): () => void {
    this.writtenListeners.add(listener);
    return () => this.writtenListeners.delete(listener);
  }

  flushAll(): Promise<void> {
    return this.buffer.flushAll();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    setInterval(() => {
      if (this.buffer.isDue()) void this.buffer.flushDue();
    }, TIMER_PERIOD_MS).unref();
    onShutdown(() => this.buffer.flushAll());
  }
}

let recorder: UsageRecorder | undefined;

export function usageRecorder(): UsageRecorder {
  recorder ??= new UsageRecorder(isEmulator() ? EMULATOR_FLUSH_POLICY : PRODUCTION_FLUSH_POLICY);
  return recorder;
}
