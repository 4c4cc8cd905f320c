/**
 * The billing routes of the dashboard API for component tests: credits and their ledger,
 * invoices, the upcoming invoice, cancel / resume / plan changes and the overage settings, kept
 * in `billingDb` (each test seeds what it needs; `resetBillingDb` runs after every test). The
 * plan and settings themselves live on `db.account`, as on the account. Requests and answers
 * are parsed with the shared schemas, as in handlers.ts.
 */
import { http, HttpResponse, type JsonBodyType } from 'msw';
import type { z } from 'zod';
import {
  billingAccountResponseSchema,
  billingSettingsRequestSchema,
  changePlanRequestSchema,
  creditsCheckoutRequestSchema,
  creditsResponseSchema,
  invoicesResponseSchema,
  redirectResponseSchema,
  upcomingInvoiceResponseSchema,
  type CreditLedgerEntry,
  type InvoiceSummary,
  type UpcomingInvoiceResponse,
} from '@shared/contracts';
import { PLANS } from '@shared/plans';
import { can } from '@shared/roles';
import { db } from '@/testing/mocks/db';
import { apiError, apiLog } from '@/testing/mocks/handlers';

const API = '/api/dashboard';

interface BillingDb {
  granted: number;
  used: number;
  entries: CreditLedgerEntry[];
  invoices: InvoiceSummary[];
  upcoming: UpcomingInvoiceResponse['upcoming'];
}

function defaults(): BillingDb {
  return { granted: 0, used: 0, entries: [], invoices: [], upcoming: null };
}

export const billingDb: BillingDb = defaults();

export function resetBillingDb(): void {
  Object.assign(billingDb, defaults());
}

let counter = 0;

export function buildInvoice(overrides: Partial<InvoiceSummary> = {}): InvoiceSummary {
  counter += 1;
  return {
    id: `in_test_${counter}`,
    number: `KM-000${counter}`,
    created: '2026-11-02T10:00:00.000Z',
    period_start: '2026-10-02T10:00:00.000Z',
    period_end: '2026-11-02T10:00:00.000Z',
    currency: 'usd',
    total: 2_900,
    amount_due: 2_900,
    amount_paid: 2_900,
    status: 'paid',
    hosted_invoice_url: `https://invoice.stripe.test/in_test_${counter}`,
    ...overrides,
  };
}

/** Credits as a paid pack leaves them: the grant entry and the account's balance. */
export function grantCredits(units: number, amountCents: number, at = '2026-11-20T09:00:00.000Z'): void {
  counter += 1;
  billingDb.granted += units;
  billingDb.entries.unshift({
    id: `grant_cs_test_${counter}`,
    kind: 'grant',
    units,
    at,
    date: null,
    amount_cents: amountCents,
    reason: null,
  });
  syncAccount();
}

/** A day's calls that drew on the credits. */
export function useCredits(units: number, date: string): void {
  billingDb.used += units;
  billingDb.entries.unshift({
    id: `usage_${db.account.id}_${date}`,
    kind: 'usage',
    units: -units,
    at: `${date}T23:00:00.000Z`,
    date,
    amount_cents: null,
    reason: null,
  });
  syncAccount();
}

function syncAccount(): void {
  db.account.credits_balance = Math.max(0, billingDb.granted - billingDb.used);
  db.account.has_credits = billingDb.granted > 0;
}

function respond<Schema extends z.ZodType>(schema: Schema, data: z.input<Schema>, status = 200) {
  return HttpResponse.json(schema.parse(data) as JsonBodyType, { status });
}

async function logged(request: Request): Promise<unknown> {
  const url = new URL(request.url);
  const text = request.method === 'GET' ? '' : await request.clone().text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  apiLog.push({
    method: request.method,
    path: url.pathname.slice(API.length),
    query: Object.fromEntries(url.searchParams),
    body,
  });
  return body;
}

function invalid(error: z.ZodError) {
  const issue = error.issues[0];
  return apiError('invalid_request', issue?.message ?? 'invalid', issue ? issue.path.join('.') : undefined);
}

const mayManage = () => can(db.account.role, 'manage_billing');
const subscribed = () => db.account.plan_tier !== 'free' && db.account.has_billing_account;
const accountAnswer = () => respond(billingAccountResponseSchema, { account: db.account });

export const billingHandlers = [
  http.get(`${API}/billing/credits`, async ({ request }) => {
    await logged(request);
    return respond(creditsResponseSchema, {
      balance: Math.max(0, billingDb.granted - billingDb.used),
      granted: billingDb.granted,
      used: billingDb.used,
      has_credits: billingDb.granted > 0,
      entries: billingDb.entries.map((entry) => (mayManage() ? entry : { ...entry, amount_cents: null })),
    });
  }),

  http.post(`${API}/billing/credits/checkout`, async ({ request }) => {
    const parsed = creditsCheckoutRequestSchema.safeParse(await logged(request));
    if (!parsed.success) return invalid(parsed.error);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    return respond(redirectResponseSchema, {
      url: `https://checkout.stripe.test/credits/${parsed.data.pack}`,
    });
  }),

  http.get(`${API}/billing/invoices`, async ({ request }) => {
    await logged(request);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    return respond(invoicesResponseSchema, { invoices: billingDb.invoices });
  }),

  http.get(`${API}/billing/upcoming`, async ({ request }) => {
    await logged(request);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    return respond(upcomingInvoiceResponseSchema, { upcoming: subscribed() ? billingDb.upcoming : null });
  }),

  http.post(`${API}/billing/cancel`, async ({ request }) => {
    await logged(request);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (!subscribed()) return apiError('no_subscription', 'no subscription');
    db.account.cancel_at_period_end = true;
    return accountAnswer();
  }),

  http.post(`${API}/billing/resume`, async ({ request }) => {
    await logged(request);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (!subscribed()) return apiError('no_subscription', 'no subscription');
    db.account.cancel_at_period_end = false;
    return accountAnswer();
  }),

  http.post(`${API}/billing/plan`, async ({ request }) => {
    const parsed = changePlanRequestSchema.safeParse(await logged(request));
    if (!parsed.success) return invalid(parsed.error);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (!subscribed()) return apiError('no_subscription', 'no subscription');
    if (db.account.plan_tier === parsed.data.plan) return apiError('already_on_plan', 'already on it');
    db.account.plan_tier = parsed.data.plan;
    return accountAnswer();
  }),

  http.put(`${API}/billing/settings`, async ({ request }) => {
    const parsed = billingSettingsRequestSchema.safeParse(await logged(request));
    if (!parsed.success) return invalid(parsed.error);
    if (!mayManage()) return apiError('forbidden', 'not allowed');
    if (parsed.data.overage === 'allow' && PLANS[db.account.plan_tier].overage_cents_per_1000 === null)
      return apiError('invalid_request', 'The Free plan has no overage.', 'overage');
    db.account.billing_settings = parsed.data;
    return accountAnswer();
  }),
];
