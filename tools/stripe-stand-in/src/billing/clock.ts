import { invalidRequest } from '../api/errors.js';
import type { Core } from '../core.js';
import { expireCheckoutSession } from './checkout.js';
import { endScheduledSubscription, renewSubscription, retryInvoice } from './subscriptions.js';

interface DueWork {
  at: number;
  /** Among work due at the same second: payment retries, then period ends, then checkouts. */
  rank: number;
  run: () => void;
}

const BILLABLE = new Set(['active', 'trialing', 'past_due', 'unpaid']);
const MAX_STEPS = 100_000;

function nextDue(core: Core): DueWork | undefined {
  let next: DueWork | undefined;
  const consider = (work: DueWork): void => {
    if (next === undefined || work.at < next.at || (work.at === next.at && work.rank < next.rank))
      next = work;
  };
  for (const invoice of core.state.invoices.values()) {
    const at = invoice.next_payment_attempt;
    if (invoice.status === 'open' && at !== null)
      consider({ at, rank: 0, run: () => retryInvoice(core, invoice) });
  }
  for (const subscription of core.state.subscriptions.values()) {
    if (!BILLABLE.has(subscription.status)) continue;
    const cancelAt = subscription.cancel_at;
    if (cancelAt !== null && cancelAt <= subscription.current_period_end) {
      consider({ at: cancelAt, rank: 1, run: () => endScheduledSubscription(core, subscription, cancelAt) });
    } else {
      consider({
        at: subscription.current_period_end,
        rank: 1,
        run: () => renewSubscription(core, subscription),
      });
    }
  }
  for (const record of core.state.checkoutSessions.values()) {
    if (record.session.status === 'open') {
      consider({ at: record.session.expires_at, rank: 2, run: () => expireCheckoutSession(core, record) });
    }
  }
  return next;
}

/**
 * Does, in time order, everything that falls due up to `target` (renewals, scheduled ends,
 * payment retries, checkout expiry), stopping the clock at each moment so every object and event
 * carries the time it happened. Each moment's events are delivered as one batch.
 */
export function runDueWork(core: Core, target: number): number {
  let created = 0;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const work = nextDue(core);
    if (work === undefined || work.at > target) break;
    core.clock.setTo(work.at);
    work.run();
    const batch = core.events.takePending();
    created += batch.length;
    if (batch.length > 0) core.dispatcher.dispatch(batch, (event) => core.targetsFor(event.type));
  }
  core.clock.setTo(target);
  core.publish();
  return created;
}

export interface ClockAdvance {
  from: number;
  to: number;
  events_created: number;
}

export function advanceClock(core: Core, target: number): ClockAdvance {
  const from = core.clock.now();
  if (target < from)
    throw invalidRequest(`The clock only moves forward: ${target} is before its current time ${from}.`, 'to');
  const created = runDueWork(core, target);
  core.log({ event: 'clock.advanced', from, to: target, events: created });
  return { from, to: target, events_created: created };
}
