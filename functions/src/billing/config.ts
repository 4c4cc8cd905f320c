/**
 * Billing configuration: Firebase params and secrets, checked once per instance. A missing or
 * malformed value never crashes a function at import; the billing routes answer 503
 * `unavailable` and one log event names the parameters at fault (never their values).
 */
import { defineSecret, defineString } from 'firebase-functions/params';
import { appUrlParam, appUrlSchema, httpUrl } from '../lib/app-url.js';
import { z } from 'zod';
import { ApiError } from '../http/api-error.js';
import { log } from '../lib/log.js';
import {
  CREDIT_PACK_IDS,
  CREDIT_PACKS,
  type CreditPackId,
  type CreditPackPriceParam,
} from '../shared/credit-packs.js';
import type { PaidPlanTier } from '../shared/plans.js';

export const stripeSecretKey = defineSecret('STRIPE_SECRET_KEY');
export const stripeWebhookSecret = defineSecret('STRIPE_WEBHOOK_SECRET');
const proPriceId = defineString('STRIPE_PRICE_PRO', {
  description: 'Stripe price id of the Pro plan (price_…)',
});
const enterprisePriceId = defineString('STRIPE_PRICE_ENTERPRISE', {
  description: 'Stripe price id of the Enterprise plan (price_…)',
});
const stripeApiBaseUrl = defineString('STRIPE_API_BASE_URL', {
  default: '',
  description: 'Leave empty for Stripe itself; the local Stripe stand-in is http://127.0.0.1:12111',
});
const proOveragePriceId = defineString('STRIPE_PRICE_PRO_OVERAGE', {
  description: 'Stripe metered price id of Pro overage, per 1,000 units, on the overage meter (price_…)',
});
const enterpriseOveragePriceId = defineString('STRIPE_PRICE_ENTERPRISE_OVERAGE', {
  description:
    'Stripe metered price id of Enterprise overage, per 1,000 units, on the overage meter (price_…)',
});
const meterEventName = defineString('STRIPE_METER_EVENT_NAME', {
  description:
    'The event_name of the Stripe billing meter that the overage prices bill (e.g. keymeter_overage_units)',
});
const creditPackPriceIds = Object.fromEntries(
  CREDIT_PACK_IDS.map((id) => {
    const pack = CREDIT_PACKS[id];
    return [
      id,
      defineString(pack.price_param, { description: `Stripe one-time price id of ${pack.label} (price_…)` }),
    ];
  }),
) as Record<CreditPackId, ReturnType<typeof defineString>>;

/** Secrets each HTTP function must declare so that the runtime mounts them. */
export const CHECKOUT_SECRETS = [stripeSecretKey];
export const WEBHOOK_SECRETS = [stripeSecretKey, stripeWebhookSecret];
export const REPORTER_SECRETS = [stripeSecretKey];

export type PriceIds = Readonly<Record<PaidPlanTier, string>>;

/** Where the SDK sends requests when it is not Stripe itself (the stand-in). */
export interface StripeApiTarget {
  protocol: 'http' | 'https';
  host: string;
  port: number;
}

export interface StripeConfig {
  secretKey: string;
  /** `null`: api.stripe.com. */
  api: StripeApiTarget | null;
  prices: PriceIds;
}

export interface CheckoutConfig extends StripeConfig {
  /** Origin of the dashboard, without a trailing slash. */
  appUrl: string;
}

export interface WebhookConfig extends StripeConfig {
  webhookSecret: string;
}

/** The raw parameter values, by parameter name. */
export type RawBillingParams = Readonly<Record<ParamName, string>>;
type ParamName =
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_WEBHOOK_SECRET'
  | 'STRIPE_PRICE_PRO'
  | 'STRIPE_PRICE_ENTERPRISE'
  | 'APP_URL'
  | 'STRIPE_API_BASE_URL'
  | 'STRIPE_PRICE_PRO_OVERAGE'
  | 'STRIPE_PRICE_ENTERPRISE_OVERAGE'
  | 'STRIPE_METER_EVENT_NAME'
  | CreditPackPriceParam;

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

const secretKeySchema = z
  .string()
  .min(1, { message: 'not set', abort: true })
  .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'not a Stripe secret key (sk_test_… or sk_live_…)');

const priceIdSchema = z
  .string()
  .min(1, { message: 'not set', abort: true })
  .regex(/^price_[A-Za-z0-9_]+$/, 'not a Stripe price id (price_…)');

const apiBaseSchema = z
  .string()
  .refine((value) => {
    if (value === '') return true;
    const url = httpUrl(value);
    return url !== undefined && url.pathname === '/' && url.search === '';
  }, 'not an http(s) origin such as http://127.0.0.1:12111 (leave it empty for Stripe itself)')
  .transform((value): StripeApiTarget | null => {
    const url = httpUrl(value);
    if (url === undefined) return null;
    const protocol = url.protocol === 'https:' ? 'https' : 'http';
    const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
    return { protocol, host: url.hostname, port };
  });

const stripeShape = {
  STRIPE_SECRET_KEY: secretKeySchema,
  STRIPE_PRICE_PRO: priceIdSchema,
  STRIPE_PRICE_ENTERPRISE: priceIdSchema,
  STRIPE_API_BASE_URL: apiBaseSchema,
};

function stripeChecks(
  value: {
    STRIPE_SECRET_KEY: string;
    STRIPE_PRICE_PRO: string;
    STRIPE_PRICE_ENTERPRISE: string;
    STRIPE_API_BASE_URL: StripeApiTarget | null;
  },
  ctx: z.RefinementCtx,
): void {
  if (value.STRIPE_PRICE_PRO === value.STRIPE_PRICE_ENTERPRISE) {
    ctx.addIssue({
      code: 'custom',
      path: ['STRIPE_PRICE_ENTERPRISE'],
      message: 'the same price as STRIPE_PRICE_PRO',
    });
  }
  // A live key is only ever sent to Stripe itself, never to a stand-in or a proxy.
  if (value.STRIPE_API_BASE_URL !== null && /^(sk|rk)_live_/.test(value.STRIPE_SECRET_KEY)) {
    ctx.addIssue({ code: 'custom', path: ['STRIPE_API_BASE_URL'], message: 'must be empty with a live key' });
  }
}

const checkoutSchema = z
  .object({ ...stripeShape, APP_URL: appUrlSchema })
  .superRefine(stripeChecks)
  .transform((value): CheckoutConfig => ({
    secretKey: value.STRIPE_SECRET_KEY,
    api: value.STRIPE_API_BASE_URL,
    prices: { pro: value.STRIPE_PRICE_PRO, enterprise: value.STRIPE_PRICE_ENTERPRISE },
    appUrl: value.APP_URL,
  }));

const webhookSchema = z
  .object({
    ...stripeShape,
    STRIPE_WEBHOOK_SECRET: z
      .string()
      .min(1, { message: 'not set', abort: true })
      .regex(/^whsec_\S+$/, 'not a webhook signing secret (whsec_…)'),
  })
  .superRefine(stripeChecks)
  .transform((value): WebhookConfig => ({
    secretKey: value.STRIPE_SECRET_KEY,
    api: value.STRIPE_API_BASE_URL,
    prices: { pro: value.STRIPE_PRICE_PRO, enterprise: value.STRIPE_PRICE_ENTERPRISE },
    webhookSecret: value.STRIPE_WEBHOOK_SECRET,
  }));

function check<T>(schema: z.ZodType<T>, raw: Partial<RawBillingParams>): ConfigResult<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  // Messages name the parameter and what is wrong with it; they never repeat the value.
  const problems = result.error.issues.map((issue) => {
    const name = issue.path[0] === undefined ? 'billing configuration' : String(issue.path[0]);
    return `${name}: ${issue.code === 'invalid_type' ? 'not set' : issue.message}`;
  });
  return { ok: false, problems: [...new Set(problems)] };
}

/** What the dashboard's billing routes need: the Stripe key, the prices and the app URL. */
export function parseCheckoutConfig(raw: Partial<RawBillingParams>): ConfigResult<CheckoutConfig> {
  return check(checkoutSchema, raw);
}

/** What the webhook needs: the Stripe key (to re-read subscriptions), its secret, the prices. */
export function parseWebhookConfig(raw: Partial<RawBillingParams>): ConfigResult<WebhookConfig> {
  return check(webhookSchema, raw);
}

/** The metered prices that bill each paid plan's overage (on the overage meter). */
export type OveragePriceIds = Readonly<Record<PaidPlanTier, string>>;
/** The one-time price of each credit pack. */
export type CreditPackPrices = Readonly<Record<CreditPackId, string>>;

/** What the overage reporter needs: the Stripe key and the meter's event name. */
export interface ReporterConfig extends StripeConfig {
  meterEventName: string;
}

const meterEventNameSchema = z
  .string()
  .min(1, { message: 'not set', abort: true })
  .max(100, 'longer than 100 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'not a meter event name (letters, digits, _ . : -)');

/** Each of `names` must hold another price: one Stripe price sells one thing. */
function pricesDiffer(names: readonly ParamName[]) {
  return (value: Partial<Record<ParamName, unknown>>, ctx: z.RefinementCtx): void => {
    const seen = new Map<unknown, ParamName>();
    for (const name of names) {
      const price = value[name];
      if (price === undefined || price === '') continue;
      const first = seen.get(price);
      if (first === undefined) seen.set(price, name);
      else ctx.addIssue({ code: 'custom', path: [name], message: `the same price as ${first}` });
    }
  };
}

const overageSchema = z
  .object({
    STRIPE_PRICE_PRO_OVERAGE: priceIdSchema,
    STRIPE_PRICE_ENTERPRISE_OVERAGE: priceIdSchema,
    STRIPE_PRICE_PRO: z.string().optional(),
    STRIPE_PRICE_ENTERPRISE: z.string().optional(),
  })
  .superRefine(
    pricesDiffer([
      'STRIPE_PRICE_PRO',
      'STRIPE_PRICE_ENTERPRISE',
      'STRIPE_PRICE_PRO_OVERAGE',
      'STRIPE_PRICE_ENTERPRISE_OVERAGE',
    ]),
  )
  .transform((value): OveragePriceIds => ({
    pro: value.STRIPE_PRICE_PRO_OVERAGE,
    enterprise: value.STRIPE_PRICE_ENTERPRISE_OVERAGE,
  }));

const packParams = CREDIT_PACK_IDS.map((id) => CREDIT_PACKS[id].price_param);
const creditPacksSchema = z
  .object(Object.fromEntries(packParams.map((name) => [name, priceIdSchema])))
  .superRefine(pricesDiffer(packParams))
  .transform(
    (value): CreditPackPrices =>
      Object.fromEntries(
        CREDIT_PACK_IDS.map((id) => [id, String(value[CREDIT_PACKS[id].price_param])]),
      ) as Record<CreditPackId, string>,
  );

const reporterSchema = z
  .object({ ...stripeShape, STRIPE_METER_EVENT_NAME: meterEventNameSchema })
  .superRefine(stripeChecks)
  .transform((value): ReporterConfig => ({
    secretKey: value.STRIPE_SECRET_KEY,
    api: value.STRIPE_API_BASE_URL,
    prices: { pro: value.STRIPE_PRICE_PRO, enterprise: value.STRIPE_PRICE_ENTERPRISE },
    meterEventName: value.STRIPE_METER_EVENT_NAME,
  }));

/** The metered overage prices, which a subscription checkout adds as its second item. */
export function parseOverageConfig(raw: Partial<RawBillingParams>): ConfigResult<OveragePriceIds> {
  return check(overageSchema, raw);
}

/** The credit packs' prices: what a credits checkout sells and what the webhook credits. */
export function parseCreditPacksConfig(raw: Partial<RawBillingParams>): ConfigResult<CreditPackPrices> {
  return check(creditPacksSchema, raw);
}

/** What the overage reporter needs (it runs outside any HTTP function, and in scripts). */
export function parseReporterConfig(raw: Partial<RawBillingParams>): ConfigResult<ReporterConfig> {
  return check(reporterSchema, raw);
}

function readParams(): Partial<RawBillingParams> {
  return {
    STRIPE_SECRET_KEY: stripeSecretKey.value(),
    STRIPE_PRICE_PRO: proPriceId.value(),
    STRIPE_PRICE_ENTERPRISE: enterprisePriceId.value(),
    STRIPE_API_BASE_URL: stripeApiBaseUrl.value(),
    APP_URL: appUrlParam.value(),
    STRIPE_PRICE_PRO_OVERAGE: proOveragePriceId.value(),
    STRIPE_PRICE_ENTERPRISE_OVERAGE: enterpriseOveragePriceId.value(),
    STRIPE_METER_EVENT_NAME: meterEventName.value(),
    ...Object.fromEntries(
      CREDIT_PACK_IDS.map((id) => [CREDIT_PACKS[id].price_param, creditPackPriceIds[id].value()]),
    ),
  };
}

function unavailable(): ApiError {
  return new ApiError(
    'unavailable',
    'Billing is not available right now: Stripe is not configured on this server.',
  );
}

let checkoutResult: ConfigResult<CheckoutConfig> | undefined;
let webhookResult: ConfigResult<WebhookConfig> | undefined;

/** The dashboard routes' configuration, or a 503 `unavailable` ApiError. */
export function checkoutConfig(): CheckoutConfig {
  if (checkoutResult === undefined) {
    checkoutResult = parseCheckoutConfig(readParams());
    if (!checkoutResult.ok)
      log.billingNotConfigured({ function: 'dashboardApi', problems: checkoutResult.problems });
  }
  if (!checkoutResult.ok) throw unavailable();
  return checkoutResult.config;
}

/** The webhook's configuration, or a 503 `unavailable` ApiError (Stripe retries the event). */
export function webhookConfig(): WebhookConfig {
  if (webhookResult === undefined) {
    webhookResult = parseWebhookConfig({
      ...readParams(),
      STRIPE_WEBHOOK_SECRET: stripeWebhookSecret.value(),
    });
    if (!webhookResult.ok)
      log.billingNotConfigured({ function: 'stripeWebhook', problems: webhookResult.problems });
  }
  if (!webhookResult.ok) throw unavailable();
  return webhookResult.config;
}

/** Which function asks, for the one log line that names what is missing. */
export type BillingFunction = 'dashboardApi' | 'stripeWebhook' | 'reportOverage';

/**
 * A group of parameters read once per instance; a function that needs a group it cannot have
 * gets the 503 `unavailable` ApiError, and one log event per function names the parameters.
 */
function paramGroup<T>(parse: (raw: Partial<RawBillingParams>) => ConfigResult<T>) {
  let result: ConfigResult<T> | undefined;
  const logged = new Set<BillingFunction>();
  return (fn: BillingFunction): T => {
    result ??= parse(readParams());
    if (result.ok) return result.config;
    if (!logged.has(fn)) {
      logged.add(fn);
      log.billingNotConfigured({ function: fn, problems: result.problems });
    }
    throw unavailable();
  };
}

/** The metered overage prices, or a 503 `unavailable` ApiError. */
export const overagePriceIds = paramGroup(parseOverageConfig);
/** The credit packs' prices, or a 503 `unavailable` ApiError. */
export const creditPackPrices = paramGroup(parseCreditPacksConfig);
/** The overage reporter's configuration, or a 503 `unavailable` ApiError. */
export const reporterConfig = paramGroup(parseReporterConfig);
