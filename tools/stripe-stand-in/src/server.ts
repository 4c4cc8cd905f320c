import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { apiRouter } from './api/router.js';
import { apiRoutes } from './api/routes.js';
import { addWebhookEndpoint } from './api/webhook-endpoints.js';
import { advanceClock, type ClockAdvance } from './billing/clock.js';
import { type Catalog, DEFAULT_CATALOG, seedCatalog } from './catalog.js';
import { Clock } from './clock.js';
import { controlRoutes } from './control/routes.js';
import { Core, type DunningSettings } from './core.js';
import { AUTOMATIC } from './events.js';
import { newWebhookSecret } from './ids.js';
import { consoleLogger, type Logger } from './log.js';
import { checkoutPages } from './pages/checkout-page.js';
import { html, page } from './pages/html.js';
import { invoicePages } from './pages/invoice-page.js';
import { portalPages } from './pages/portal-page.js';
import { DataFile } from './persistence.js';
import { State } from './state.js';
import type { Delivery, DeliveryOrder } from './webhooks/dispatcher.js';

export const DEFAULT_PORT = 12111;
export const DEFAULT_HOST = '127.0.0.1';
/** The version stripe-node 23 pins; requests may ask for another with `Stripe-Version`. */
export const DEFAULT_API_VERSION = '2026-10-28.endive';
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000];
export const DEFAULT_DUNNING: DunningSettings = {
  retryDelaysSeconds: [3 * 86_400, 5 * 86_400, 7 * 86_400],
  afterFinalFailure: 'cancel',
};

export interface StripeStandInOptions {
  /** Default 12111; 0 picks a free port (tests). */
  port?: number;
  host?: string;
  /** Base of the hosted page URLs handed out in `url` fields; default `http://<host>:<port>`. */
  publicUrl?: string;
  /** API version of objects and events when a request does not send `Stripe-Version`. */
  apiVersion?: string;
  /** Endpoints that receive every event, signed with `webhookSecret`. */
  webhookUrls?: readonly string[];
  /** `whsec_…` shared by `webhookUrls`; generated (and logged once) when absent. */
  webhookSecret?: string;
  /** Event types sent to `webhookUrls`; default every type (`*`). */
  webhookEvents?: readonly string[];
  /** Wait before each retry of a failed delivery; its length is the number of retries. */
  webhookRetryDelaysMs?: readonly number[];
  webhookTimeoutMs?: number;
  deliveryOrder?: DeliveryOrder;
  /** JSON file that keeps state between runs; read at start, written after each change. */
  dataFile?: string;
  /** Meters and prices (each with its product) seeded at every start; default Keymeter's catalog. */
  catalog?: Catalog;
  businessName?: string;
  dunning?: Partial<DunningSettings>;
  checkoutSessionTtlSeconds?: number;
  logger?: Logger;
}

export interface StripeStandIn {
  /** Base URL, e.g. `http://127.0.0.1:12111`; the API is under `/v1`. */
  url: string;
  host: string;
  port: number;
  apiVersion: string;
  /** The secret of the endpoints from `webhookUrls`, if any. */
  webhookSecret: string | undefined;
  /** Unix seconds on the stand-in clock. */
  now: () => number;
  advanceClock: (seconds: number) => ClockAdvance;
  deliveries: () => Delivery[];
  /** Resolves when no webhook delivery is waiting for an attempt or a retry. */
  deliveriesIdle: () => Promise<void>;
  setDeliveryOrder: (order: DeliveryOrder) => void;
  /** Drops customers, subscriptions, sessions, events and API-created endpoints. */
  reset: () => void;
  close: () => Promise<void>;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

function assertHttpUrl(value: string, what: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`${what} must be http(s): ${value}`);
}

/** Starts the stand-in and resolves once it accepts connections. */
export async function startStripeStandIn(options: StripeStandInOptions = {}): Promise<StripeStandIn> {
  const host = options.host ?? DEFAULT_HOST;
  const log = options.logger ?? consoleLogger;
  const apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
  const webhookUrls = options.webhookUrls ?? [];
  for (const url of webhookUrls) assertHttpUrl(url, 'Webhook URL');
  if (options.publicUrl !== undefined) assertHttpUrl(options.publicUrl, 'Public URL');
  if (options.webhookSecret !== undefined && !options.webhookSecret.startsWith('whsec_')) {
    throw new Error('The webhook secret must start with whsec_, as Stripe secrets do.');
  }

  const dataFile =
    options.dataFile === undefined
      ? undefined
      : new DataFile(options.dataFile, (error) =>
          log({ event: 'data_file.save_failed', path: options.dataFile ?? '', message: String(error) }),
        );
  const loaded = dataFile?.load();
  if (loaded !== undefined && dataFile !== undefined) log({ event: 'data_file.loaded', path: dataFile.path });
  const state = loaded ?? new State();
  const clock = new Clock(state.clockOffsetSeconds);
  seedCatalog(state, options.catalog ?? DEFAULT_CATALOG, clock.now());

  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_PORT, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;

  const core = new Core({
    state,
    clock,
    log,
    dataFile,
    config: {
      apiVersion,
      publicUrl: (options.publicUrl ?? url).replace(/\/+$/, ''),
      businessName: options.businessName ?? 'Keymeter',
      checkoutSessionTtlSeconds: options.checkoutSessionTtlSeconds ?? 24 * 60 * 60,
      dunning: { ...DEFAULT_DUNNING, ...options.dunning },
    },
    webhooks: {
      retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
      timeoutMs: options.webhookTimeoutMs ?? 10_000,
      order: options.deliveryOrder ?? 'realistic',
    },
  });

  const webhookSecret = webhookUrls.length === 0 ? undefined : (options.webhookSecret ?? newWebhookSecret());
  for (const webhookUrl of webhookUrls) {
    addWebhookEndpoint(
      core,
      { url: webhookUrl, enabledEvents: [...(options.webhookEvents ?? ['*'])], secret: webhookSecret },
      'config',
    );
    if (options.webhookSecret === undefined && webhookSecret !== undefined) {
      log({ event: 'webhook.secret_generated', url: webhookUrl, secret: webhookSecret });
    }
  }

  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/v1', (request: Request, response: Response, next: NextFunction) => {
    if (core.apiOutage === 'unreachable') {
      request.socket.destroy();
      return;
    }
    if (core.apiOutage === 'server_error') {
      response.status(500).json({
        error: { type: 'api_error', message: 'The Stripe stand-in simulates an outage (api_outage).' },
      });
      return;
    }
    next();
  });
  app.use('/v1', apiRouter(core, apiRoutes));
  app.use(
    '/_standin',
    controlRoutes(core, () => ({
      url,
      api_version: apiVersion,
      webhook_endpoints: state.webhookEndpoints.size,
    })),
  );
  app.use(checkoutPages(core));
  app.use(portalPages(core));
  app.use(invoicePages(core));
  app.get('/', (_request: Request, response: Response) => {
    response.type('html').send(
      page(
        'Stripe stand-in',
        html`<h1>Stripe stand-in</h1>
          <p>
            The Stripe API Keymeter uses is served under <code>/v1</code>; controls are under
            <code>/_standin</code>.
          </p>
          <p><a href="/_standin/deliveries">Webhook deliveries</a> · <a href="/_standin/clock">Clock</a></p>`,
      ),
    );
  });
  app.use((request: Request, response: Response) => {
    response.status(404).type('text/plain').send(`Not found: ${request.method} ${request.path}\n`);
  });
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);
      return;
    }
    log({ event: 'api.internal_error', method: request.method, path: request.path, message: String(error) });
    response.status(500).type('text/plain').send('The Stripe stand-in failed to handle this request.\n');
  });

  // Work that falls due while nobody calls (a checkout expiring in real time) still happens.
  const ticker = setInterval(() => {
    try {
      core.catchUp();
    } catch (error) {
      log({ event: 'api.internal_error', method: 'TICK', path: '-', message: String(error) });
    }
  }, 30_000);
  ticker.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    host,
    port,
    apiVersion,
    webhookSecret,
    now: () => clock.now(),
    advanceClock: (seconds) => core.run(AUTOMATIC, () => advanceClock(core, clock.now() + seconds)),
    deliveries: () => core.dispatcher.list(),
    deliveriesIdle: () => core.dispatcher.idle(),
    setDeliveryOrder: (order) => {
      core.deliveryOrder = order;
    },
    reset: () => core.run(AUTOMATIC, () => state.reset()),
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        clearInterval(ticker);
        core.close();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
