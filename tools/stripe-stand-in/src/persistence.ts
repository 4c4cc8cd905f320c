import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { State } from './state.js';
import { upgradeState } from './upgrade.js';

const FORMAT_VERSION = 1;
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const SAVE_DELAY_MS = 200;

const entries = z.array(z.tuple([z.string(), z.record(z.string(), z.unknown())]));

const fileSchema = z.object({
  format: z.literal('keymeter-stripe-stand-in'),
  version: z.literal(FORMAT_VERSION),
  clock_offset_seconds: z.number().int().nonnegative(),
  customers: entries,
  products: entries,
  prices: entries,
  subscriptions: entries,
  subscription_controls: entries,
  invoices: entries,
  checkout_sessions: entries,
  portal_sessions: entries,
  events: entries,
  webhook_endpoints: entries,
  idempotency: entries,
  // Added with usage-based billing; files written before have none.
  meters: entries.default([]),
  meter_events: entries.default([]),
  payment_intents: entries.default([]),
});

type Collection = keyof Omit<z.infer<typeof fileSchema>, 'format' | 'version' | 'clock_offset_seconds'>;

/** Pairs each stored collection with the map it fills, so saving and loading cannot drift. */
function collections(state: State): Record<Collection, Map<string, object>> {
  return {
    customers: state.customers,
    products: state.products,
    prices: state.prices,
    subscriptions: state.subscriptions,
    subscription_controls: state.subscriptionControls,
    invoices: state.invoices,
    checkout_sessions: state.checkoutSessions,
    portal_sessions: state.portalSessions,
    events: state.events,
    webhook_endpoints: state.webhookEndpoints,
    idempotency: state.idempotency,
    meters: state.meters,
    meter_events: state.meterEvents,
    payment_intents: state.paymentIntents,
  };
}

class DataFileError extends Error {}

/**
 * Optional JSON persistence, so `npm start` keeps customers and subscriptions between runs.
 * The file is written whole, to a temporary name first, so a crash never leaves half a file.
 */
export class DataFile {
  readonly path: string;
  #timer: NodeJS.Timeout | undefined;
  #state: State | undefined;
  readonly #onSaveError: (error: unknown) => void;

  constructor(path: string, onSaveError: (error: unknown) => void) {
    this.path = path;
    this.#onSaveError = onSaveError;
  }

  /** The saved state, or `undefined` when the file does not exist yet. */
  load(): State | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
      throw error;
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new DataFileError(
        `${this.path} is not a stand-in data file: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    const state = new State();
    state.clockOffsetSeconds = parsed.data.clock_offset_seconds;
    const maps = collections(state);
    for (const name of Object.keys(maps) as Collection[]) {
      // The file is this tool's own output and its shape was checked above; the objects inside
      // are Stripe objects the stand-in wrote itself.
      const target = maps[name] as Map<string, unknown>;
      for (const [id, value] of parsed.data[name]) target.set(id, value);
    }
    upgradeState(state);
    return state;
  }

  /** Saves soon, coalescing bursts of changes into one write. */
  scheduleSave(state: State): void {
    this.#state = state;
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.#onSaveError(error);
      }
    }, SAVE_DELAY_MS);
    this.#timer.unref();
  }

  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const state = this.#state;
    if (state === undefined) return;
    this.#state = undefined;
    this.write(state);
  }

  write(state: State): void {
    const now = Date.now();
    for (const [key, record] of state.idempotency) {
      if (now - record.stored_at_ms > IDEMPOTENCY_TTL_MS) state.idempotency.delete(key);
    }
    const maps = collections(state);
    const body: Record<string, unknown> = {
      format: 'keymeter-stripe-stand-in',
      version: FORMAT_VERSION,
      clock_offset_seconds: state.clockOffsetSeconds,
    };
    for (const name of Object.keys(maps) as Collection[]) {
      const list = [...maps[name].entries()];
      body[name] =
        name === 'webhook_endpoints'
          ? list.filter(([, record]) => 'source' in record && record.source === 'api')
          : list;
    }
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(body)}\n`);
    renameSync(temporary, this.path);
  }
}
