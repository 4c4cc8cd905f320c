/**
 * The monthly close in production: at 00:00 UTC on the 1st the schedule closes the month that just
 * ended for as long as its timeout allows; if the close is not finished by then, a Cloud Tasks
 * continuation (`closeMonthContinue`) picks it up where the progress document says, and enqueues
 * the next one in turn, until the period is done. Any run may fail and be retried (Cloud
 * Scheduler's retries, the queue's retries): the close resumes from its progress and repeats no
 * effect.
 */
import { createHash } from 'node:crypto';
import { onSchedule } from 'firebase-functions/v2/scheduler';
import { onTaskDispatched } from 'firebase-functions/v2/tasks';
import { z } from 'zod';
import { functions } from '../lib/firebase.js';
import { log } from '../lib/log.js';
import { periodSchema, previousPeriod, utcPeriod } from '../shared/dates.js';
import { closeMonth, PeriodNotEndedError, type CloseMonthResult } from './close-month.js';

/** The longest a scheduled (or event) function may run; the close stops well before it. */
export const CLOSE_TIMEOUT_SECONDS = 540;
/** The name index.ts exports the continuation under: a task queue is named after its function. */
export const CLOSE_CONTINUE_FUNCTION = 'closeMonthContinue';

const continueTaskSchema = z.object({ period: periodSchema }).strict();
type ContinueTask = z.infer<typeof continueTaskSchema>;

function isTaskAlreadyExists(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === 'functions/task-already-exists'
  );
}

async function enqueueContinuation(period: string, pagesRecorded: number): Promise<void> {
  // Two runs that stopped at the same recorded progress enqueue one continuation, not two.
  const id = createHash('sha256').update(`close-month:${period}:${pagesRecorded}`).digest('hex').slice(0, 40);
  try {
    await functions()
      .taskQueue<ContinueTask>(CLOSE_CONTINUE_FUNCTION)
      .enqueue({ period }, { id, dispatchDeadlineSeconds: CLOSE_TIMEOUT_SECONDS + 60 });
  } catch (error) {
    if (!isTaskAlreadyExists(error)) throw error;
  }
}

/** Closes `period` until `deadline` (epoch ms), and leaves what is left to a continuation task. */
export async function runCloseSlice(period: string, deadline: number): Promise<CloseMonthResult> {
  const result = await closeMonth(period, { deadline });
  if (!result.done) await enqueueContinuation(result.period, result.pages_total);
  return result;
}

/** At 00:00 UTC on the 1st, closes the month that just ended. */
export const closeMonthSchedule = onSchedule(
  { schedule: '0 0 1 * *', timeZone: 'UTC', retryCount: 3, timeoutSeconds: CLOSE_TIMEOUT_SECONDS },
  async (event) => {
    const started = Date.now();
    const scheduled = new Date(event.scheduleTime);
    const now = Number.isNaN(scheduled.getTime()) ? new Date() : scheduled;
    await runCloseSlice(previousPeriod(utcPeriod(now)), started + CLOSE_TIMEOUT_SECONDS * 1000);
  },
);

/** Continues a close that its previous run left unfinished at its deadline. */
export const closeMonthContinue = onTaskDispatched<unknown>(
  {
    timeoutSeconds: CLOSE_TIMEOUT_SECONDS,
    retryConfig: { maxAttempts: 10, minBackoffSeconds: 30, maxBackoffSeconds: 600 },
    // One run at a time per queue: concurrent runs would be correct, only wasteful.
    rateLimits: { maxConcurrentDispatches: 1 },
  },
  async (request) => {
    const started = Date.now();
    const task = continueTaskSchema.safeParse(request.data);
    // A retry cannot mend a task that names no period: refuse it once instead of failing ten times.
    if (!task.success) {
      log.monthCloseTaskRefused({ reason: 'invalid_task' });
      return;
    }
    try {
      await runCloseSlice(task.data.period, started + CLOSE_TIMEOUT_SECONDS * 1000);
    } catch (error) {
      if (!(error instanceof PeriodNotEndedError)) throw error;
      log.monthCloseTaskRefused({ reason: 'period_not_ended' });
    }
  },
);
