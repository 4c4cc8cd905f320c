export {
  DEFAULT_API_VERSION,
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
  startStripeStandIn,
  type StripeStandIn,
  type StripeStandInOptions,
} from './server.js';
export { type Catalog, type CatalogEntry, type CatalogMeter, DEFAULT_CATALOG } from './catalog.js';
export type { ClockAdvance } from './billing/clock.js';
export type { Delivery, DeliveryAttempt, DeliveryOrder, DeliveryStatus } from './webhooks/dispatcher.js';
export { consoleLogger, formatLogEntry, silentLogger, type LogEntry, type Logger } from './log.js';
export { signatureHeader } from './webhooks/signature.js';
