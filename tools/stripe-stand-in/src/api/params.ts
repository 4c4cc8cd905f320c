import { invalidRequest, parameterInvalid, parameterMissing, parameterUnknown } from './errors.js';
import type { Metadata } from '../objects.js';

/** Request parameters after Stripe's bracket notation has been decoded (`a[b][0]=c`). */
export type Params = Record<string, unknown>;

/**
 * The parameters of one endpoint (or one nested hash). `supported` ones are acted on; `ignored`
 * ones are real Stripe parameters the stand-in accepts without modelling (reported through
 * `onIgnored`); anything else is refused as Stripe refuses it, so a misspelt parameter fails
 * offline exactly as it would against Stripe.
 */
export interface ParamSpec {
  supported: readonly string[];
  ignored?: readonly string[];
}

export function nestedName(prefix: string | undefined, key: string | number): string {
  return prefix === undefined ? String(key) : `${prefix}[${key}]`;
}

export function checkParams(
  params: Params,
  spec: ParamSpec,
  onIgnored: (param: string) => void,
  prefix?: string,
): void {
  for (const key of Object.keys(params)) {
    const name = nestedName(prefix, key);
    if (spec.supported.includes(key)) continue;
    if (spec.ignored?.includes(key)) {
      onIgnored(name);
      continue;
    }
    throw parameterUnknown(name);
  }
}

function isParams(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function readString(params: Params, key: string, prefix?: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw parameterInvalid(nestedName(prefix, key), `Invalid string: ${describe(value)}`);
  }
  return value;
}

/** A string that may be sent empty (`''`) to unset it; `null` means "unset". */
export function readNullableString(params: Params, key: string, prefix?: string): string | null | undefined {
  const value = readString(params, key, prefix);
  if (value === undefined) return undefined;
  return value === '' ? null : value;
}

export function requireString(params: Params, key: string, prefix?: string): string {
  const value = readString(params, key, prefix);
  if (value === undefined || value === '') throw parameterMissing(nestedName(prefix, key));
  return value;
}

export function readInteger(
  params: Params,
  key: string,
  bounds: { min?: number; max?: number } = {},
  prefix?: string,
): number | undefined {
  const raw = readString(params, key, prefix);
  if (raw === undefined) return undefined;
  const name = nestedName(prefix, key);
  if (!/^-?\d+$/.test(raw))
    throw parameterInvalid(name, `Invalid integer: ${raw}`, 'parameter_invalid_integer');
  const value = Number(raw);
  if (bounds.min !== undefined && value < bounds.min) {
    throw parameterInvalid(
      name,
      `This value must be greater than or equal to ${bounds.min}.`,
      'parameter_invalid_integer',
    );
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw parameterInvalid(
      name,
      `This value must be less than or equal to ${bounds.max}.`,
      'parameter_invalid_integer',
    );
  }
  return value;
}

export function readBoolean(params: Params, key: string, prefix?: string): boolean | undefined {
  const raw = readString(params, key, prefix);
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw parameterInvalid(nestedName(prefix, key), `Invalid boolean: ${raw}`);
}

export function readEnum<T extends string>(
  params: Params,
  key: string,
  values: readonly T[],
  prefix?: string,
): T | undefined {
  const raw = readString(params, key, prefix);
  if (raw === undefined) return undefined;
  const found = values.find((v) => v === raw);
  if (found === undefined) {
    const list =
      values.length > 1 ? `${values.slice(0, -1).join(', ')}, or ${values.at(-1) ?? ''}` : values.join('');
    throw parameterInvalid(nestedName(prefix, key), `Invalid ${key}: must be one of ${list}`);
  }
  return found;
}

/** Arrays arrive as `k[0]=a&k[1]=b` (the SDK) or `k[]=a` (curl); both decode to a list. */
function readArray(params: Params, key: string, prefix?: string): unknown[] | undefined {
  const value = params[key];
  if (value === undefined || value === '') return value === '' ? [] : undefined;
  if (Array.isArray(value)) return value;
  if (isParams(value) && Object.keys(value).every((k) => /^\d+$/.test(k))) {
    return Object.entries(value)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, v]) => v);
  }
  throw parameterInvalid(nestedName(prefix, key), `Invalid array`);
}

export function readStringArray(params: Params, key: string, prefix?: string): string[] | undefined {
  const values = readArray(params, key, prefix);
  if (values === undefined) return undefined;
  return values.map((v, i) => {
    if (typeof v !== 'string')
      throw parameterInvalid(nestedName(nestedName(prefix, key), i), `Invalid string: ${describe(v)}`);
    return v;
  });
}

export function readHashArray(params: Params, key: string, prefix?: string): Params[] | undefined {
  const values = readArray(params, key, prefix);
  if (values === undefined) return undefined;
  return values.map((v, i) => {
    if (!isParams(v)) throw parameterInvalid(nestedName(nestedName(prefix, key), i), `Invalid object`);
    return v;
  });
}

export function readHash(params: Params, key: string, prefix?: string): Params | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (!isParams(value)) throw parameterInvalid(nestedName(prefix, key), `Invalid object`);
  return value;
}

export function expandParam(params: Params): string[] {
  return readStringArray(params, 'expand') ?? [];
}

/**
 * Stripe's metadata update rules: `metadata=` clears every key, `metadata[k]=` deletes one key,
 * anything else sets it. Limits are Stripe's: 50 keys, 40-character keys, 500-character values.
 */
export type MetadataUpdate = { kind: 'clear' } | { kind: 'merge'; entries: Record<string, string | null> };

export function readMetadata(params: Params, key: string, prefix?: string): MetadataUpdate | undefined {
  const value = params[key];
  const name = nestedName(prefix, key);
  if (value === undefined) return undefined;
  if (value === '') return { kind: 'clear' };
  if (!isParams(value)) throw invalidRequest('Invalid object', name);
  const entries: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidRequest(`Invalid string: ${describe(v)}`, nestedName(name, k));
    if (k.length > 40)
      throw invalidRequest('Metadata keys can have up to 40 characters.', nestedName(name, k));
    if (v.length > 500)
      throw invalidRequest('Metadata values can have up to 500 characters.', nestedName(name, k));
    entries[k] = v === '' ? null : v;
  }
  return { kind: 'merge', entries };
}

export function applyMetadata(
  current: Metadata,
  update: MetadataUpdate | undefined,
  param = 'metadata',
): Metadata {
  if (update === undefined) return current;
  if (update.kind === 'clear') return {};
  const next: Metadata = {};
  for (const [k, v] of Object.entries({ ...current, ...update.entries })) {
    if (v !== null) next[k] = v;
  }
  if (Object.keys(next).length > 50) throw invalidRequest('Metadata can have up to 50 keys.', param);
  return next;
}

/** `created=123` or `created[gte]=…&created[lt]=…`, as on every Stripe list endpoint. */
export interface RangeFilter {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export function readRange(params: Params, key: string): RangeFilter | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const exact = readInteger(params, key);
    return exact === undefined ? undefined : { gte: exact, lte: exact };
  }
  const hash = readHash(params, key);
  if (hash === undefined) return undefined;
  checkParams(hash, { supported: ['gt', 'gte', 'lt', 'lte'] }, () => undefined, key);
  const range: RangeFilter = {};
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
    const n = readInteger(hash, bound, {}, key);
    if (n !== undefined) range[bound] = n;
  }
  return range;
}

export function inRange(value: number, range: RangeFilter | undefined): boolean {
  if (range === undefined) return true;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}
