import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Catalog, catalogSchema } from '../catalog.js';
import { consoleLogger, type LogEntry, silentLogger } from '../log.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  startStripeStandIn,
  type StripeStandIn,
  type StripeStandInOptions,
} from '../server.js';
import { DELIVERY_ORDERS, type DeliveryOrder } from '../webhooks/dispatcher.js';

export const USAGE = `Usage: stripe-stand-in <command> [options]

Commands
  serve          Run the stand-in (the Stripe API under /v1, hosted Checkout and portal pages,
                 signed webhooks, control endpoints under /_standin).
  advance-clock  Move a running stand-in's clock forward, renewing or ending subscriptions.
  clock          Print a running stand-in's clock.
  help           Print this help.

serve options (environment variable in brackets)
  --port <n>                    Port, default ${DEFAULT_PORT} [STRIPE_STANDIN_PORT]
  --host <addr>                 Interface, default ${DEFAULT_HOST} [STRIPE_STANDIN_HOST]
  --public-url <url>            Base of hosted page URLs, default http://<host>:<port>
  --webhook-url <url>           Send every event there; repeatable [STRIPE_STANDIN_WEBHOOK_URL, comma-separated]
  --webhook-secret <whsec_…>    Signing secret of those endpoints [STRIPE_STANDIN_WEBHOOK_SECRET]
  --webhook-events <a,b>        Event types to send, default all
  --webhook-retry-delays <ms,…> Waits before retries of a failed delivery, default 2000,10000,60000
  --delivery-order <order>      realistic | reversed | shuffled (order of each batch of events)
  --data-file <path>            Keep state in this JSON file between runs [STRIPE_STANDIN_DATA_FILE]
  --catalog <path>              JSON catalog (prices, or { meters, prices }) to seed instead of Keymeter's
  --api-version <version>       Default API version of responses and events
  --quiet                       Log only webhook attempts, clock moves and errors

advance-clock options
  --days <n> | --hours <n> | --seconds <n>   Move forward by this much
  --to <unix seconds | ISO date>             Move forward to this time
  --to-period-end <sub_…>                    Move to the end of this subscription's period
  --url <url>     The running stand-in, default http://127.0.0.1:${DEFAULT_PORT} [STRIPE_STANDIN_URL]
`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  fetch: typeof fetch;
}

export type CliResult = { kind: 'exit'; code: number } | { kind: 'serving'; standIn: StripeStandIn };

/** Wrong arguments: exit code 2. */
class UsageError extends Error {}

/** The command could not do its work (nothing listening, port taken…): exit code 1. */
class CommandError extends Error {}

function list(value: string | undefined): string[] {
  return value === undefined
    ? []
    : value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got ${value}`);
  return Number(value);
}

function readCatalog(path: string): Catalog {
  const parsed = catalogSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success)
    throw new UsageError(`${path} is not a valid catalog: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

async function serve(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'public-url': { type: 'string' },
      'webhook-url': { type: 'string', multiple: true },
      'webhook-secret': { type: 'string' },
      'webhook-events': { type: 'string' },
      'webhook-retry-delays': { type: 'string' },
      'delivery-order': { type: 'string' },
      'data-file': { type: 'string' },
      catalog: { type: 'string' },
      'api-version': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const env = io.env;
  const order = values['delivery-order'];
  if (order !== undefined && !DELIVERY_ORDERS.some((o) => o === order)) {
    throw new UsageError(`--delivery-order must be one of ${DELIVERY_ORDERS.join(', ')}`);
  }
  const webhookUrls = values['webhook-url'] ?? list(env.STRIPE_STANDIN_WEBHOOK_URL);
  const options: StripeStandInOptions = {
    port: integer(values.port ?? env.STRIPE_STANDIN_PORT, '--port') ?? DEFAULT_PORT,
    host: values.host ?? env.STRIPE_STANDIN_HOST ?? DEFAULT_HOST,
    webhookUrls,
    logger: values.quiet === true ? quietLogger : consoleLogger,
  };
  const secret = values['webhook-secret'] ?? env.STRIPE_STANDIN_WEBHOOK_SECRET;
  if (secret !== undefined && secret !== '') options.webhookSecret = secret;
  if (values['public-url'] !== undefined) options.publicUrl = values['public-url'];
  if (values['webhook-events'] !== undefined) options.webhookEvents = list(values['webhook-events']);
  if (values['webhook-retry-delays'] !== undefined) {
    options.webhookRetryDelaysMs = list(values['webhook-retry-delays']).map(
      (ms) => integer(ms, '--webhook-retry-delays') ?? 0,
    );
  }
  if (order !== undefined) options.deliveryOrder = order as DeliveryOrder;
  const dataFile = values['data-file'] ?? env.STRIPE_STANDIN_DATA_FILE;
  if (dataFile !== undefined && dataFile !== '') options.dataFile = dataFile;
  if (values.catalog !== undefined) options.catalog = readCatalog(values.catalog);
  if (values['api-version'] !== undefined) options.apiVersion = values['api-version'];

  let standIn: StripeStandIn;
  try {
    standIn = await startStripeStandIn(options);
  } catch (error) {
    throw new CommandError(error instanceof Error ? error.message : String(error));
  }
  const webhooks =
    webhookUrls.length === 0
      ? 'no webhook endpoint (register one at /v1/webhook_endpoints)'
      : `webhooks → ${webhookUrls.join(', ')}`;
  io.out(`Stripe stand-in ready at ${standIn.url} (API ${standIn.url}/v1, ${webhooks})`);
  return { kind: 'serving', standIn };
}

function quietLogger(entry: LogEntry): void {
  if (
    entry.event === 'api.request' ||
    entry.event === 'api.param_ignored' ||
    entry.event === 'data_file.loaded'
  ) {
    silentLogger(entry);
    return;
  }
  consoleLogger(entry);
}

interface ClockResponse {
  now: number;
  iso: string;
  from?: number;
  events_created?: number;
  error?: { message: string };
}

async function callControl(io: CliIo, baseUrl: string, path: string, body?: object): Promise<ClockResponse> {
  let response: Response;
  try {
    response = await io.fetch(`${baseUrl.replace(/\/+$/, '')}/_standin${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new CommandError(
      `No stand-in answers at ${baseUrl}; start it with "stripe-stand-in serve" or pass --url.`,
    );
  }
  const json = (await response.json()) as ClockResponse;
  if (!response.ok) throw new CommandError(json.error?.message ?? `The stand-in answered ${response.status}`);
  return json;
}

function describeAdvance(result: ClockResponse): string {
  const moved = result.from === undefined ? '' : ` (+${formatDuration(result.now - result.from)})`;
  return `Clock is now ${result.iso}${moved}; ${result.events_created ?? 0} event(s) created.`;
}

function formatDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} days`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} hours`;
  return `${seconds} seconds`;
}

async function advance(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      days: { type: 'string' },
      hours: { type: 'string' },
      seconds: { type: 'string' },
      to: { type: 'string' },
      'to-period-end': { type: 'string' },
      url: { type: 'string' },
    },
  });
  const baseUrl = values.url ?? io.env.STRIPE_STANDIN_URL ?? `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
  const chosen = (['days', 'hours', 'seconds', 'to', 'to-period-end'] as const).filter(
    (flag) => values[flag] !== undefined,
  );
  if (chosen.length !== 1)
    throw new UsageError(
      'advance-clock needs exactly one of --days, --hours, --seconds, --to, --to-period-end',
    );
  const number = (flag: 'days' | 'hours' | 'seconds'): number => {
    const value = Number(values[flag]);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${flag} needs a positive number`);
    return value;
  };
  let body: object;
  if (values.days !== undefined) body = { seconds: Math.round(number('days') * 86_400) };
  else if (values.hours !== undefined) body = { seconds: Math.round(number('hours') * 3_600) };
  else if (values.seconds !== undefined) body = { seconds: Math.round(number('seconds')) };
  else if (values.to !== undefined) body = { to: values.to };
  else body = { to_period_end_of: values['to-period-end'] ?? '' };
  io.out(describeAdvance(await callControl(io, baseUrl, '/clock/advance', body)));
  return { kind: 'exit', code: 0 };
}

async function showClock(args: string[], io: CliIo): Promise<CliResult> {
  const { values } = parseArgs({ args, strict: true, options: { url: { type: 'string' } } });
  const baseUrl = values.url ?? io.env.STRIPE_STANDIN_URL ?? `http://${DEFAULT_HOST}:${DEFAULT_PORT}`;
  const clock = await callControl(io, baseUrl, '/clock');
  io.out(`Clock is at ${clock.iso} (${clock.now}).`);
  return { kind: 'exit', code: 0 };
}

/** Runs one CLI command. `serve` resolves once the server is listening and hands it back. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<CliResult> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serve(args, io);
      case 'advance-clock':
        return await advance(args, io);
      case 'clock':
        return await showClock(args, io);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return { kind: 'exit', code: command === undefined ? 2 : 0 };
      default:
        throw new UsageError(`Unknown command: ${command}`);
    }
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.err(`stripe-stand-in: ${error.message}`);
      return { kind: 'exit', code: 2 };
    }
    if (error instanceof CommandError) {
      io.err(`stripe-stand-in: ${error.message}`);
      return { kind: 'exit', code: 1 };
    }
    throw error;
  }
}
