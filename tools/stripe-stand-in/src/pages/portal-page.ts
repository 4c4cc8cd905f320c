import express, { type Request, type Response } from 'express';
import { StripeApiError } from '../api/errors.js';
import {
  cancelSubscriptionNow,
  openInvoiceOf,
  payOpenInvoiceNow,
  updateSubscription,
} from '../billing/subscriptions.js';
import type { Core } from '../core.js';
import { AUTOMATIC } from '../events.js';
import { formatPrice } from '../money.js';
import type { PortalSession, Price, Subscription } from '../objects.js';
import { formatDate, type Html, html, page } from './html.js';

const STATUS_LABELS: Record<Subscription['status'], string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Past due',
  unpaid: 'Unpaid',
  canceled: 'Canceled',
  incomplete: 'Incomplete',
  incomplete_expired: 'Expired',
  paused: 'Paused',
};

const MESSAGES: Record<string, string> = {
  switched: 'Your plan has been changed.',
  'cancel-scheduled': 'Your plan will be canceled at the end of the billing period.',
  resumed: 'Your plan will renew as usual.',
  canceled: 'Your plan has been canceled.',
  paid: 'Your payment method was updated and the outstanding invoice is paid.',
};

function productName(core: Core, price: Price): string {
  return core.state.products.get(price.product)?.name ?? price.nickname ?? price.id;
}

/**
 * Other plans a subscriber can move to: active licensed recurring prices billed the same way.
 * Like Stripe's portal, it offers none for a subscription of several items (a plan and its
 * metered overage): those are switched through the API, item by item.
 */
function switchTargets(core: Core, subscription: Subscription): Price[] {
  const current = subscription.items.data[0]?.price;
  if (current === undefined || subscription.items.data.length !== 1) return [];
  return [...core.state.prices.values()].filter(
    (price) =>
      price.active &&
      price.id !== current.id &&
      price.recurring?.usage_type === 'licensed' &&
      price.currency === current.currency &&
      price.recurring?.interval === current.recurring?.interval &&
      price.recurring?.interval_count === current.recurring?.interval_count,
  );
}

function subscriptionSection(
  core: Core,
  session: PortalSession,
  subscription: Subscription,
  index: number,
): Html {
  const suffix = index === 0 ? '' : `-${subscription.id}`;
  const action = `/portal/${encodeURIComponent(session.id)}/subscriptions/${encodeURIComponent(subscription.id)}`;
  const base = subscription.items.data.find((item) => item.price.recurring?.usage_type !== 'metered');
  const price = (base ?? subscription.items.data[0])?.price;
  const usage = subscription.items.data.filter((item) => item !== base).map((item) => item.price);
  const ended = subscription.status === 'canceled';
  const overdue = !ended && openInvoiceOf(core, subscription) !== undefined;
  const button = (name: string, value: string, id: string, label: string, danger = false): Html =>
    html`<form method="post" action="${action}">
      <input type="hidden" name="${name}" value="${value}" /><button
        type="submit"
        id="${id}${suffix}"
        ${danger ? html` class="danger"` : ''}
      >
        ${label}
      </button>
    </form>`;
  let when: Html;
  if (ended)
    when = html`<dt>Ended</dt>
      <dd id="period-end${suffix}">
        ${formatDate(subscription.ended_at ?? subscription.current_period_end)}
      </dd>`;
  else if (subscription.cancel_at !== null)
    when = html`<dt>Cancels on</dt>
      <dd id="period-end${suffix}">${formatDate(subscription.cancel_at)}</dd>`;
  else if (subscription.status === 'trialing')
    when = html`<dt>Trial ends</dt>
      <dd id="period-end${suffix}">${formatDate(subscription.current_period_end)}</dd>`;
  else
    when = html`<dt>Renews on</dt>
      <dd id="period-end${suffix}">${formatDate(subscription.current_period_end)}</dd>`;
  return html`<section class="subscription" aria-labelledby="plan-name${suffix}">
    <h2 id="plan-name${suffix}">${price === undefined ? subscription.id : productName(core, price)}</h2>
    <dl>
      <dt>Price</dt>
      <dd id="plan-price${suffix}">${price === undefined ? '' : formatPrice(price)}</dd>
      ${usage.map(
        (metered) =>
          html`<dt>${productName(core, metered)}</dt>
            <dd class="usage-price">${formatPrice(metered)}</dd>`,
      )}
      <dt>Status</dt>
      <dd><span class="status" id="status${suffix}">${STATUS_LABELS[subscription.status]}</span></dd>
      ${when}
    </dl>
    ${overdue ? html`<p role="alert" id="payment-problem${suffix}">The last payment for this plan failed.</p>` : ''}
    ${
      ended
        ? ''
        : html`<div class="actions">
            ${overdue ? button('action', 'pay-now', 'pay-now', 'Update payment method and pay') : ''}
            ${switchTargets(core, subscription).map((target) =>
              button(
                'switch_to',
                target.id,
                `switch-to-${target.id}`,
                `Switch to ${productName(core, target)} (${formatPrice(target)})`,
              ),
            )}
            ${
              subscription.cancel_at === null
                ? button(
                    'action',
                    'cancel-at-period-end',
                    'cancel-at-period-end',
                    'Cancel plan at period end',
                  )
                : button('action', 'resume', 'resume', "Don't cancel — renew plan")
            }
            ${button('action', 'cancel-now', 'cancel-now', 'Cancel immediately', true)}
          </div>`
    }
  </section>`;
}

function portalBody(core: Core, session: PortalSession, notice: Html | null): Html {
  const customer = core.state.liveCustomer(session.customer);
  const all = [...core.state.subscriptions.values()]
    .filter((subscription) => subscription.customer === session.customer)
    .sort((a, b) => b.created - a.created);
  const current = all.filter((subscription) => subscription.status !== 'canceled');
  const shown = current.length > 0 ? current : all.slice(0, 1);
  return html`<p class="muted">${core.config.businessName}</p>
    <h1>Manage your subscription</h1>
    ${customer?.email === null || customer === undefined ? '' : html`<p class="muted" id="customer-email">${customer.email}</p>`}
    ${notice}
    ${current.length === 0 ? html`<p id="no-subscription">You have no active subscription.</p>` : ''}
    ${shown.map((subscription, index) => subscriptionSection(core, session, subscription, index))}
    ${
      session.return_url === null
        ? ''
        : html`<p>
            <a id="return-link" href="${session.return_url}">Return to ${core.config.businessName}</a>
          </p>`
    }`;
}

function notFound(response: Response): void {
  response
    .status(404)
    .type('html')
    .send(
      page(
        'Portal not found',
        html`<h1>Billing portal not found</h1>
          <p>This billing portal link is not valid.</p>`,
      ),
    );
}

/**
 * The hosted customer portal: `GET /portal/:id` shows the customer's plan; each action is a
 * form POST that changes the subscription (and sends the matching webhooks), then redirects back.
 */
export function portalPages(core: Core): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/portal/:id', (request: Request<{ id: string }>, response: Response) => {
    core.catchUp();
    const session = core.state.portalSessions.get(request.params.id);
    if (session === undefined) {
      notFound(response);
      return;
    }
    const done = typeof request.query.done === 'string' ? MESSAGES[request.query.done] : undefined;
    const notice = done === undefined ? null : html`<p role="status" id="portal-message">${done}</p>`;
    response
      .type('html')
      .send(page(`${core.config.businessName} · Billing`, portalBody(core, session, notice)));
  });

  router.post(
    '/portal/:id/subscriptions/:subscription',
    (request: Request<{ id: string; subscription: string }>, response: Response) => {
      core.catchUp();
      const session = core.state.portalSessions.get(request.params.id);
      const subscription = core.state.subscriptions.get(request.params.subscription);
      if (session === undefined || subscription === undefined || subscription.customer !== session.customer) {
        notFound(response);
        return;
      }
      const form = (request.body ?? {}) as Record<string, unknown>;
      try {
        const done = core.run(AUTOMATIC, (): string => {
          if (typeof form.switch_to === 'string') {
            const target = switchTargets(core, subscription).find((price) => price.id === form.switch_to);
            const item = subscription.items.data[0];
            if (target === undefined || item === undefined)
              throw new StripeApiError(400, 'invalid_request_error', 'That plan is not available.');
            updateSubscription(core, subscription.id, { items: [{ id: item.id, price: target }] });
            return 'switched';
          }
          switch (form.action) {
            case 'cancel-at-period-end':
              updateSubscription(core, subscription.id, { cancelAtPeriodEnd: true });
              return 'cancel-scheduled';
            case 'resume':
              updateSubscription(core, subscription.id, { cancelAtPeriodEnd: false, cancelAt: null });
              return 'resumed';
            case 'cancel-now':
              cancelSubscriptionNow(core, subscription, 'cancellation_requested');
              return 'canceled';
            case 'pay-now':
              payOpenInvoiceNow(core, subscription);
              return 'paid';
            default:
              throw new StripeApiError(400, 'invalid_request_error', 'Unknown portal action.');
          }
        });
        response.redirect(303, `/portal/${encodeURIComponent(session.id)}?done=${done}`);
      } catch (error) {
        if (!(error instanceof StripeApiError)) throw error;
        const notice = html`<p role="alert" id="portal-error">${error.message}</p>`;
        response
          .status(400)
          .type('html')
          .send(page(`${core.config.businessName} · Billing`, portalBody(core, session, notice)));
      }
    },
  );

  return router;
}
