import express, { type Request, type Response } from 'express';
import type { Core } from '../core.js';
import { formatAmount } from '../money.js';
import type { Invoice } from '../objects.js';
import { formatDate, type Html, html, page } from './html.js';

const STATUS_LABELS: Record<Invoice['status'], string> = {
  draft: 'Draft',
  open: 'Due',
  paid: 'Paid',
  uncollectible: 'Uncollectible',
  void: 'Void',
};

function invoiceBody(core: Core, invoice: Invoice): Html {
  const money = (amount: number): string => formatAmount(amount, invoice.currency);
  return html`<p class="muted">${core.config.businessName}</p>
    <h1>Invoice <span id="invoice-number">${invoice.number ?? invoice.id}</span></h1>
    <dl>
      <dt>Date</dt>
      <dd id="invoice-date">${formatDate(invoice.status_transitions.finalized_at ?? invoice.created)}</dd>
      <dt>Status</dt>
      <dd><span class="status" id="invoice-status">${STATUS_LABELS[invoice.status]}</span></dd>
      <dt>Billed to</dt>
      <dd id="invoice-customer">${invoice.customer_email ?? invoice.customer}</dd>
      <dt>Period</dt>
      <dd id="invoice-period">${formatDate(invoice.period_start)} – ${formatDate(invoice.period_end)}</dd>
    </dl>
    <table id="invoice-lines">
      <thead>
        <tr>
          <th scope="col">Description</th>
          <th scope="col">Period</th>
          <th scope="col">Qty</th>
          <th scope="col">Amount</th>
        </tr>
      </thead>
      <tbody>
        ${invoice.lines.data.map(
          (line) =>
            html`<tr class="invoice-line" data-line-id="${line.id}">
              <td>${line.description}</td>
              <td>${formatDate(line.period.start)} – ${formatDate(line.period.end)}</td>
              <td class="line-quantity">${line.quantity}</td>
              <td class="line-amount">${money(line.amount)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <dl>
      <dt>Total</dt>
      <dd id="invoice-total">${money(invoice.total)}</dd>
      <dt>Amount paid</dt>
      <dd id="amount-paid">${money(invoice.amount_paid)}</dd>
      <dt>Amount due</dt>
      <dd id="amount-remaining">${money(invoice.amount_remaining)}</dd>
    </dl>
    <p class="muted">Invoice ${invoice.id}</p>`;
}

/**
 * The hosted invoice page a finalized invoice's `hosted_invoice_url` points at: number, date,
 * lines, total and status. Drafts have no page, as at Stripe.
 */
export function invoicePages(core: Core): express.Router {
  const router = express.Router();
  router.get('/invoice/:id', (request: Request<{ id: string }>, response: Response) => {
    core.catchUp();
    const invoice = core.state.invoices.get(request.params.id);
    if (invoice === undefined || invoice.status === 'draft') {
      response
        .status(404)
        .type('html')
        .send(
          page(
            'Invoice not found',
            html`<h1>Invoice not found</h1>
              <p>This invoice link is not valid.</p>`,
          ),
        );
      return;
    }
    response
      .type('html')
      .send(
        page(`${core.config.businessName} · Invoice ${invoice.number ?? ''}`, invoiceBody(core, invoice)),
      );
  });
  return router;
}
