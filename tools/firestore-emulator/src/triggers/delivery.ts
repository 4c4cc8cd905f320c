import http from 'node:http';
import type { Logger } from '../log.js';
import { encodeHeaderValue, type CloudEvent } from './cloud-event.js';

export interface DeliveryJob {
  readonly project: string;
  readonly triggerId: string;
  /** Deliveries with the same key are sent one after another, in enqueue order. */
  readonly orderingKey: string;
  readonly event: CloudEvent;
  readonly registeredAtMs: number;
}

export interface DeliveryCounts {
  pending: number;
  delivered: number;
  failed: number;
}

export interface DeliveryOptions {
  /** `host:port` of the Functions emulator, or undefined when none was given. */
  readonly functionsEmulator: string | undefined;
  readonly logger: Logger;
  readonly maxAttempts?: number;
  readonly maxConcurrent?: number;
  /** A function may run for minutes in the Functions emulator; never give up on a slow one early. */
  readonly requestTimeoutMs?: number;
}

type Outcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; functionFailed?: boolean }
  | { kind: 'failed'; reason: string };

/**
 * Attempts at an event whose function fails (HTTP 500). Production redelivers failed events of
 * functions deployed with `retry: true` (Keymeter's Firestore triggers are, and fold idempotently);
 * the Functions emulator also answers 500 when a worker cannot start in time under load.
 */
const FUNCTION_FAILURE_ATTEMPTS = 3;

/** Registrations this young may not be known to the Functions emulator yet (it records them after registering). */
const REGISTRATION_GRACE_MS = 3000;

/**
 * Delivers trigger events to the Functions emulator asynchronously: the commit never waits.
 * Events for the same trigger and document go out one at a time in commit order (the next is
 * sent only after the previous one was answered); different documents are delivered
 * concurrently. Connection failures and "busy" answers (429, 502, 503, 504) are retried with
 * backoff; a 500 (the function failed) is retried FUNCTION_FAILURE_ATTEMPTS times in all, as for
 * a v2 trigger deployed with retry; nothing is dropped while the Functions emulator is merely slow.
 */
export class TriggerDelivery {
  private readonly queues = new Map<string, DeliveryJob[]>();
  private readonly ready: string[] = [];
  private inFlight = 0;
  private readonly counts = new Map<string, DeliveryCounts>();
  private readonly agent = new http.Agent({ keepAlive: true });
  private readonly idleWaiters = new Set<{ project: string | undefined; resolve: () => void }>();
  private warnedNoTarget = false;
  private closed = false;

  constructor(private readonly options: DeliveryOptions) {}

  enqueue(job: DeliveryJob): void {
    this.countsFor(job.project).pending++;
    let queue = this.queues.get(job.orderingKey);
    if (queue === undefined) {
      queue = [];
      this.queues.set(job.orderingKey, queue);
      this.ready.push(job.orderingKey);
    }
    queue.push(job);
    this.pump();
  }

  countsFor(project: string): DeliveryCounts {
    let counts = this.counts.get(project);
    if (counts === undefined) {
      counts = { pending: 0, delivered: 0, failed: 0 };
      this.counts.set(project, counts);
    }
    return counts;
  }

  totalPending(): number {
    let pending = 0;
    for (const counts of this.counts.values()) pending += counts.pending;
    return pending;
  }

  /** Resolves when nothing is pending (of `project`, or at all): for shutdown and tests. */
  whenIdle(project?: string): Promise<void> {
    if (this.pendingOf(project) === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.add({ project, resolve }));
  }

  private pendingOf(project: string | undefined): number {
    return project === undefined ? this.totalPending() : (this.counts.get(project)?.pending ?? 0);
  }

  close(): void {
    this.closed = true;
    this.agent.destroy();
  }

  private pump(): void {
    const maxConcurrent = this.options.maxConcurrent ?? 16;
    while (this.inFlight < maxConcurrent && this.ready.length > 0) {
      const key = this.ready.shift();
      if (key === undefined) break;
      const job = this.queues.get(key)?.[0];
      if (job === undefined) continue;
      this.inFlight++;
      void this.deliver(job).finally(() => {
        this.inFlight--;
        const queue = this.queues.get(key);
        queue?.shift();
        if (queue !== undefined && queue.length > 0) this.ready.push(key);
        else this.queues.delete(key);
        this.pump();
      });
    }
  }

  private async deliver(job: DeliveryJob): Promise<void> {
    const counts = this.countsFor(job.project);
    const maxAttempts = this.options.maxAttempts ?? 8;
    let outcome: Outcome = { kind: 'failed', reason: 'not attempted' };
    let functionFailures = 0;
    for (let attempt = 1; attempt <= maxAttempts && !this.closed; attempt++) {
      outcome = await this.attempt(job);
      if (outcome.kind !== 'retry') break;
      if (outcome.functionFailed === true && ++functionFailures >= FUNCTION_FAILURE_ATTEMPTS) break;
      if (attempt < maxAttempts) await sleep(Math.min(5000, 100 * 2 ** (attempt - 1)));
    }
    counts.pending--;
    if (outcome.kind === 'delivered') {
      counts.delivered++;
    } else {
      counts.failed++;
      this.options.logger.warn(
        `Trigger ${job.triggerId}: delivery of ${job.event.attributes['type'] ?? 'event'} for ` +
          `${job.event.attributes['document'] ?? ''} failed: ${outcome.reason}`,
      );
    }
    for (const waiter of [...this.idleWaiters]) {
      if (this.pendingOf(waiter.project) === 0) {
        this.idleWaiters.delete(waiter);
        waiter.resolve();
      }
    }
  }

  private attempt(job: DeliveryJob): Promise<Outcome> {
    const target = this.options.functionsEmulator;
    if (target === undefined) {
      if (!this.warnedNoTarget) {
        this.warnedNoTarget = true;
        this.options.logger.warn(
          'A trigger matched, but no --functions_emulator was given: events are not delivered.',
        );
      }
      return Promise.resolve({
        kind: 'failed',
        reason: 'no Functions emulator configured (--functions_emulator)',
      });
    }
    const { hostname, port } = splitHostPort(target);
    const body = Buffer.from(JSON.stringify(job.event.data));
    const headers: Record<string, string | number> = {
      'content-type': 'application/json; charset=utf-8',
      'content-length': body.length,
    };
    for (const [name, value] of Object.entries(job.event.attributes))
      headers[`ce-${name}`] = encodeHeaderValue(value);
    return new Promise<Outcome>((resolve) => {
      const request = http.request(
        {
          host: hostname,
          port,
          method: 'POST',
          path: `/functions/projects/${encodeURIComponent(job.project)}/triggers/${encodeURIComponent(job.triggerId)}`,
          headers,
          agent: this.agent,
          timeout: this.options.requestTimeoutMs ?? 10 * 60_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8').slice(0, 500);
            if (status >= 200 && status < 300) resolve({ kind: 'delivered' });
            else if (status === 429 || status === 502 || status === 503 || status === 504) {
              resolve({ kind: 'retry', reason: `HTTP ${status}: ${text}` });
            } else if (status === 404 && Date.now() - job.registeredAtMs < REGISTRATION_GRACE_MS) {
              resolve({ kind: 'retry', reason: `HTTP 404 (trigger not loaded yet): ${text}` });
            } else if (status === 500) {
              resolve({ kind: 'retry', reason: `HTTP 500: ${text}`, functionFailed: true });
            } else resolve({ kind: 'failed', reason: `HTTP ${status}: ${text}` });
          });
          response.on('error', (error) => resolve({ kind: 'retry', reason: error.message }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out waiting for the Functions emulator')));
      request.on('error', (error) =>
        resolve(
          error.message.startsWith('timed out')
            ? { kind: 'failed', reason: error.message }
            : { kind: 'retry', reason: error.message },
        ),
      );
      request.end(body);
    });
  }
}

function splitHostPort(target: string): { hostname: string; port: number } {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(target);
  if (match === null) return { hostname: target, port: 80 };
  const host = match[1] ?? '';
  return {
    hostname: host === '' || host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host,
    port: Number(match[2]),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
