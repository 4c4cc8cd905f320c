import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { StripeApiError } from '../api/errors.js';
import { advanceClock } from '../billing/clock.js';
import { paymentOutcomeOf, setPaymentOutcome } from '../billing/subscriptions.js';
import { API_OUTAGES, type Core } from '../core.js';
import { AUTOMATIC } from '../events.js';
import { DELIVERY_ORDERS } from '../webhooks/dispatcher.js';

/** `clock: "real_time"` also moves the clock back to real time: nothing is left to run backwards. */
const resetSchema = z.object({ clock: z.enum(['keep', 'real_time']).default('keep') }).strict();

const advanceSchema = z.union([
  z.object({ seconds: z.coerce.number().int().nonnegative() }).strict(),
  z.object({ days: z.coerce.number().nonnegative() }).strict(),
  z.object({ to: z.union([z.number().int(), z.string().min(1)]) }).strict(),
  z.object({ to_period_end_of: z.string().startsWith('sub_') }).strict(),
]);

const outcomeSchema = z.object({ outcome: z.enum(['succeed', 'fail']) }).strict();
const settingsSchema = z
  .object({ delivery_order: z.enum(DELIVERY_ORDERS).optional(), api_outage: z.enum(API_OUTAGES).optional() })
  .strict();
const resendSchema = z.object({ endpoint_id: z.string().startsWith('we_').optional() }).strict();

class ControlError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ControlError(
      400,
      `Invalid body: ${issue === undefined ? 'unexpected shape' : `${issue.path.join('.') || 'body'}: ${issue.message}`}`,
    );
  }
  return result.data;
}

function unixFrom(value: number | string): number {
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new ControlError(400, `Invalid time: ${value} (use unix seconds or an ISO 8601 date)`);
  return Math.floor(ms / 1000);
}

function clockBody(core: Core): { now: number; iso: string; offset_seconds: number } {
  const now = core.clock.now();
  return { now, iso: new Date(now * 1000).toISOString(), offset_seconds: core.clock.offsetSeconds };
}

type ControlHandler = (request: Request) => unknown | Promise<unknown>;

/**
 * Test and development controls, outside the Stripe API surface on purpose: the clock,
 * webhook deliveries, payment outcomes, settings and reset. JSON in, JSON out.
 */
export function controlRoutes(core: Core, describe: () => Record<string, unknown>): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }), express.urlencoded({ extended: false, limit: '64kb' }));

  const handle =
    (handler: ControlHandler) =>
    async (request: Request, response: Response): Promise<void> => {
      try {
        response.json(await handler(request));
      } catch (error) {
        if (error instanceof ControlError || error instanceof StripeApiError) {
          response
            .status(error.status)
            .json({ error: { type: 'invalid_request_error', message: error.message } });
          return;
        }
        throw error;
      }
    };

  router.get(
    '/health',
    handle(() => ({ ok: true, ...describe() })),
  );

  router.get(
    '/clock',
    handle(() => clockBody(core)),
  );

  router.post(
    '/clock/advance',
    handle((request) => {
      const body = parse(advanceSchema, request.body);
      let target: number;
      if ('seconds' in body) target = core.clock.now() + body.seconds;
      else if ('days' in body) target = core.clock.now() + Math.round(body.days * 86_400);
      else if ('to' in body) target = unixFrom(body.to);
      else {
        const subscription = core.state.subscriptions.get(body.to_period_end_of);
        if (subscription === undefined)
          throw new ControlError(404, `No such subscription: '${body.to_period_end_of}'`);
        target = Math.max(core.clock.now(), subscription.cancel_at ?? subscription.current_period_end);
      }
      const result = core.run(AUTOMATIC, () => advanceClock(core, target));
      return { ...result, ...clockBody(core) };
    }),
  );

  router.get(
    '/deliveries',
    handle((request) => {
      const { event_id: eventId, type, status } = request.query;
      const data = core.dispatcher
        .list()
        .filter(
          (delivery) =>
            (typeof eventId !== 'string' || delivery.event_id === eventId) &&
            (typeof type !== 'string' || delivery.event_type === type) &&
            (typeof status !== 'string' || delivery.status === status),
        );
      return { object: 'list', data };
    }),
  );

  router.get(
    '/deliveries/idle',
    handle(async (request) => {
      const timeoutMs = Math.min(Number(request.query.timeout_ms ?? 10_000) || 10_000, 60_000);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const idle = await Promise.race([core.dispatcher.idle().then(() => true), timedOut]);
      clearTimeout(timer);
      return { idle };
    }),
  );

  router.post(
    '/events/:id/resend',
    handle((request) => {
      const body = parse(resendSchema, request.body);
      const id = String(request.params.id);
      const event = core.state.events.get(id);
      if (event === undefined) throw new ControlError(404, `No such event: '${id}'`);
      const targets = core
        .targetsFor(event.type)
        .filter((t) => body.endpoint_id === undefined || t.endpoint_id === body.endpoint_id);
      if (targets.length === 0)
        throw new ControlError(400, 'No enabled webhook endpoint receives this event.');
      return { object: 'list', data: core.dispatcher.resend(event, targets) };
    }),
  );

  router.post(
    '/subscriptions/:id/payment-outcome',
    handle((request) => {
      const body = parse(outcomeSchema, request.body);
      const id = String(request.params.id);
      const subscription = core.state.subscriptions.get(id);
      if (subscription === undefined) throw new ControlError(404, `No such subscription: '${id}'`);
      core.run(AUTOMATIC, () => setPaymentOutcome(core, subscription, body.outcome));
      return { subscription: id, payment_outcome: paymentOutcomeOf(core, subscription) };
    }),
  );

  router.get(
    '/settings',
    handle(() => ({ delivery_order: core.deliveryOrder, api_outage: core.apiOutage })),
  );

  router.post(
    '/settings',
    handle((request) => {
      const settings = parse(settingsSchema, request.body);
      if (settings.delivery_order !== undefined) core.deliveryOrder = settings.delivery_order;
      if (settings.api_outage !== undefined) core.apiOutage = settings.api_outage;
      return { delivery_order: core.deliveryOrder, api_outage: core.apiOutage };
    }),
  );

  router.post(
    '/reset',
    handle((request) => {
      const body = parse(resetSchema, request.body ?? {});
      core.run(AUTOMATIC, () => {
        core.state.reset();
        if (body.clock === 'real_time') core.clock.rewindToRealTime();
      });
      return { ok: true, now: core.clock.now() };
    }),
  );

  router.use((request: Request, response: Response) => {
    response.status(404).json({
      error: {
        type: 'invalid_request_error',
        message: `No control endpoint ${request.method} ${request.originalUrl}`,
      },
    });
  });

  return router;
}
