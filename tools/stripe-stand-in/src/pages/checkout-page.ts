import express, { type Request, type Response } from 'express';
import { StripeApiError } from '../api/errors.js';
import { completeCheckoutSession, successRedirect } from '../billing/checkout.js';
import type { Core } from '../core.js';
import { AUTOMATIC } from '../events.js';
import { formatAmount, formatPrice } from '../money.js';
import type { CheckoutSessionRecord } from '../state.js';
import { formatDate, type Html, html, page } from './html.js';

function sessionPath(id: string): string {
  return `/checkout/${encodeURIComponent(id)}`;
}

function notFound(response: Response): void {
  response
    .status(404)
    .type('html')
    .send(
      page(
        'Checkout not found',
        html`<h1>Checkout not found</h1>
          <p>This checkout link is not valid.</p>`,
      ),
    );
}

function closedPage(core: Core, record: CheckoutSessionRecord): Html {
  const { session } = record;
  if (session.status === 'complete') {
    const next = successRedirect(session);
    const done = session.mode === 'payment' ? 'Your payment is complete.' : 'You are subscribed.';
    return html`<h1>This checkout session is complete</h1>
      <p id="checkout-closed">${done} Nothing more to pay here.</p>
      ${next === null ? '' : html`<p><a id="continue-link" href="${next}">Continue to ${core.config.businessName}</a></p>`}`;
  }
  return html`<h1>This checkout session has expired</h1>
    <p id="checkout-closed">The link is no longer valid. Start again from ${core.config.businessName}.</p>
    ${session.cancel_url === null ? '' : html`<p><a id="cancel-link" href="${session.cancel_url}">Return to ${core.config.businessName}</a></p>`}`;
}

function lineList(items: CheckoutSessionRecord['line_items']): Html[] {
  return items.map((item) =>
    item.quantity === null
      ? html`<dt>${item.description}</dt>
          <dd class="usage-price">${formatPrice(item.price)}</dd>`
      : html`<dt>${item.description}</dt>
          <dd>${item.quantity} × ${formatPrice(item.price)}</dd>`,
  );
}

function openPage(core: Core, record: CheckoutSessionRecord, error: string | null): Html {
  const { session, line_items: items, subscription_data: subscriptionData } = record;
  const payment = session.mode === 'payment';
  const first = items.find((item) => item.quantity !== null) ?? items[0];
  const productName =
    first === undefined
      ? 'Subscription'
      : (core.state.products.get(first.price.product)?.name ?? first.description);
  const customer = session.customer === null ? undefined : core.state.liveCustomer(session.customer);
  const email = customer?.email ?? session.customer_email;
  const trialDays = payment ? null : subscriptionData.trial_period_days;
  const total = items.reduce((sum, item) => sum + item.amount_total, 0);
  const interval = first?.price.recurring?.interval ?? 'month';
  const dueToday = trialDays === null ? total : 0;
  return html`<p class="muted">${core.config.businessName}</p>
    <h1>${payment ? `Pay for ${productName}` : `Subscribe to ${productName}`}</h1>
    <p class="price" id="price">
      ${formatAmount(total, session.currency)}
      ${payment ? '' : html`<span class="muted">per ${interval}</span>`}
    </p>
    ${trialDays === null ? '' : html`<p id="trial">${trialDays} days free, then ${formatAmount(total, session.currency)} per ${interval}.</p>`}
    <dl>
      ${lineList(items)}
      <dt>Due today</dt>
      <dd id="due-today">${formatAmount(dueToday, session.currency)}</dd>
      ${
        email === null || email === undefined
          ? ''
          : html`<dt>Email</dt>
              <dd id="customer-email">${email}</dd>`
      }
    </dl>
    ${error === null ? '' : html`<p role="alert" id="payment-error">${error}</p>`}
    <form method="post" action="${sessionPath(session.id)}/pay" aria-label="Payment">
      ${
        session.customer === null && (email === null || email === undefined)
          ? html`<label for="email">Email</label
              ><input id="email" name="email" type="email" autocomplete="email" required />`
          : ''
      }
      <p class="muted">No card is needed: this is the local Stripe stand-in.</p>
      ${
        payment
          ? ''
          : html`<label class="check" for="fail-renewals"
              ><input type="checkbox" id="fail-renewals" name="renewals" value="fail" /> Renewal payments will
              fail (a card that declines after checkout)</label
            >`
      }
      <div class="actions">
        <button type="submit" class="primary" id="pay" name="outcome" value="succeed">
          ${payment ? `Pay ${formatAmount(total, session.currency)}` : 'Pay and subscribe'}
        </button>
        <button type="submit" id="decline" name="outcome" value="decline" formnovalidate>
          Simulate a declined card
        </button>
      </div>
    </form>
    ${session.cancel_url === null ? '' : html`<p><a id="cancel-link" href="${session.cancel_url}">Cancel and return to ${core.config.businessName}</a></p>`}
    <p class="muted">Session ${session.id} · expires ${formatDate(session.expires_at)}</p>`;
}

/**
 * The hosted Checkout page: `GET /checkout/:id` shows what is being bought; `POST …/pay` pays
 * (or simulates a decline) and redirects to `success_url` with the session id filled in.
 */
export function checkoutPages(core: Core): express.Router {
  const router = express.Router();
  router.use(express.urlencoded({ extended: false, limit: '16kb' }));

  router.get('/checkout/:id', (request: Request<{ id: string }>, response: Response) => {
    core.catchUp();
    const record = core.state.checkoutSessions.get(request.params.id);
    if (record === undefined) {
      notFound(response);
      return;
    }
    const body = record.session.status === 'open' ? openPage(core, record, null) : closedPage(core, record);
    response.type('html').send(page(`${core.config.businessName} · Checkout`, body));
  });

  router.post('/checkout/:id/pay', (request: Request<{ id: string }>, response: Response) => {
    core.catchUp();
    const record = core.state.checkoutSessions.get(request.params.id);
    if (record === undefined) {
      notFound(response);
      return;
    }
    const form = (request.body ?? {}) as Record<string, unknown>;
    const { session } = record;
    const next = successRedirect(session);
    if (session.status === 'complete' && next !== null) {
      // A second click on "Pay" lands where the first one did.
      response.redirect(303, next);
      return;
    }
    if (session.status !== 'open') {
      response
        .status(409)
        .type('html')
        .send(page('Checkout', closedPage(core, record)));
      return;
    }
    if (form.outcome === 'decline') {
      const declined = openPage(core, record, 'Your card was declined. Try again with another card.');
      response.status(402).type('html').send(page('Checkout', declined));
      return;
    }
    const email = typeof form.email === 'string' && form.email.trim() !== '' ? form.email.trim() : null;
    try {
      core.run(AUTOMATIC, () =>
        completeCheckoutSession(core, record, {
          renewals: form.renewals === 'fail' ? 'fail' : 'succeed',
          email,
        }),
      );
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      response
        .status(400)
        .type('html')
        .send(page('Checkout', openPage(core, record, error.message)));
      return;
    }
    const redirect = successRedirect(session);
    if (redirect === null) response.type('html').send(page('Checkout', closedPage(core, record)));
    else response.redirect(303, redirect);
  });

  return router;
}
