import type { Core } from '../core.js';
import type { ListObject } from '../objects.js';
import { invalidRequest } from './errors.js';

const MAX_DEPTH = 4;

function cannotExpand(path: string): never {
  throw invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object an id names, found by its prefix as Stripe resolves `expand[]` references. */
function lookup(core: Core, id: string): object | undefined {
  const { state } = core;
  if (id.startsWith('cus_')) return state.customers.get(id);
  if (id.startsWith('sub_')) return state.subscriptions.get(id);
  if (id.startsWith('in_')) return state.invoices.get(id);
  if (id.startsWith('price_')) return state.prices.get(id);
  if (id.startsWith('prod_')) return state.products.get(id);
  if (id.startsWith('cs_')) return state.checkoutSessions.get(id)?.session;
  if (id.startsWith('evt_')) return state.events.get(id);
  if (id.startsWith('pi_')) return state.paymentIntents.get(id);
  if (id.startsWith('mtr_')) return state.meters.get(id);
  return undefined;
}

/** Fields that exist only when expanded, like a checkout session's `line_items`. */
function virtualField(core: Core, target: Record<string, unknown>, field: string): unknown {
  if (target.object === 'checkout.session' && field === 'line_items' && typeof target.id === 'string') {
    const record = core.state.checkoutSessions.get(target.id);
    if (record === undefined) return undefined;
    const list: ListObject<unknown> = {
      object: 'list',
      data: structuredClone(record.line_items),
      has_more: false,
      url: `/v1/checkout/sessions/${target.id}/line_items`,
    };
    return list;
  }
  return undefined;
}

function expandPath(core: Core, target: unknown, segments: readonly string[], path: string): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return target;
  if (Array.isArray(target)) return target.map((element) => expandPath(core, element, segments, path));
  if (!isRecord(target)) return cannotExpand(path);
  let value = head in target ? target[head] : virtualField(core, target, head);
  if (value === undefined) return cannotExpand(path);
  if (typeof value === 'string') {
    const found = lookup(core, value);
    if (found === undefined) return cannotExpand(path);
    value = structuredClone(found);
  }
  if (value !== null && rest.length > 0) value = expandPath(core, value, rest, path);
  target[head] = value;
  return target;
}

/**
 * Applies `expand[]` to a response body (already a private copy): each dotted path replaces an
 * id with the object it names, through lists via `data`, at most four levels deep.
 */
export function expandResponse(core: Core, body: unknown, paths: readonly string[]): unknown {
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.filter((s) => s !== 'data').length > MAX_DEPTH) {
      throw invalidRequest(
        `You cannot expand more than ${MAX_DEPTH} levels of a property. Property: ${path}`,
        'expand',
      );
    }
    if (segments.some((s) => s === '')) cannotExpand(path);
    expandPath(core, body, segments, path);
  }
  return body;
}
