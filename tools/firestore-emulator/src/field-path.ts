import { invalidArgument } from './errors.js';
import { EMPTY_FIELDS, mapValue, type MapFields, type Value } from './values.js';

/** A parsed field path: its segments, e.g. ["requests_by_endpoint", "GET /v1/forecast"]. */
export type FieldPath = readonly string[];

const SIMPLE_SEGMENT = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const cache = new Map<string, FieldPath>();
const CACHE_LIMIT = 10_000;

/**
 * Parses Firestore's field path syntax: segments joined by dots, where a segment that is not a
 * simple identifier is quoted in backticks, with \` and \\ as escapes inside the quotes.
 */
export function parseFieldPath(text: string): FieldPath {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const segments = parseUncached(text);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, segments);
  return segments;
}

function parseUncached(text: string): FieldPath {
  if (text.length === 0) throw invalidArgument('Field path must not be empty.');
  const segments: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '`') {
      let segment = '';
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i];
        if (c === '\\') {
          const next = text[i + 1];
          if (next === undefined) break;
          segment += next;
          i += 2;
        } else if (c === '`') {
          closed = true;
          i++;
          break;
        } else {
          segment += c;
          i++;
        }
      }
      if (!closed) throw invalidArgument(`Invalid field path "${text}": unterminated backtick quote.`);
      if (segment.length === 0) throw invalidArgument(`Invalid field path "${text}": empty quoted segment.`);
      segments.push(segment);
    } else {
      let end = text.indexOf('.', i);
      if (end === -1) end = text.length;
      const segment = text.slice(i, end);
      if (!SIMPLE_SEGMENT.test(segment)) {
        throw invalidArgument(
          `Invalid field path "${text}": segment "${segment}" must be quoted with backticks ` +
            'unless it is a simple identifier ([_a-zA-Z][_a-zA-Z0-9]*).',
        );
      }
      segments.push(segment);
      i = end;
    }
    if (i === text.length) break;
    if (text[i] !== '.')
      throw invalidArgument(`Invalid field path "${text}": expected "." after a quoted segment.`);
    i++;
    if (i === text.length) throw invalidArgument(`Invalid field path "${text}": it ends with ".".`);
  }
  return segments;
}

export function formatFieldPath(path: FieldPath): string {
  return path
    .map((segment) =>
      SIMPLE_SEGMENT.test(segment) ? segment : `\`${segment.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``,
    )
    .join('.');
}

export function isNamePath(path: FieldPath): boolean {
  return path.length === 1 && path[0] === '__name__';
}

/** True when `prefix` equals `path` or is an ancestor of it. */
export function isPrefixOf(prefix: FieldPath, path: FieldPath): boolean {
  if (prefix.length > path.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== path[i]) return false;
  return true;
}

export function getField(fields: MapFields, path: FieldPath): Value | undefined {
  let current: MapFields = fields;
  for (let i = 0; i < path.length - 1; i++) {
    const next = current.get(path[i] ?? '');
    if (next?.type !== 'map') return undefined;
    current = next.fields;
  }
  return current.get(path[path.length - 1] ?? '');
}

/** Copy-on-write set: intermediate non-map values are replaced by maps, as Firestore does. */
export function setField(fields: MapFields, path: FieldPath, value: Value, depth = 0): MapFields {
  const key = path[depth] ?? '';
  const result = new Map(fields);
  if (depth === path.length - 1) {
    result.set(key, value);
  } else {
    const child = fields.get(key);
    const childFields = child?.type === 'map' ? child.fields : EMPTY_FIELDS;
    result.set(key, mapValue(setField(childFields, path, value, depth + 1)));
  }
  return result;
}

/** Copy-on-write delete; deleting a path that does not exist returns the input unchanged. */
export function deleteField(fields: MapFields, path: FieldPath, depth = 0): MapFields {
  const key = path[depth] ?? '';
  if (!fields.has(key)) return fields;
  if (depth === path.length - 1) {
    const result = new Map(fields);
    result.delete(key);
    return result;
  }
  const child = fields.get(key);
  if (child?.type !== 'map') return fields;
  const updated = deleteField(child.fields, path, depth + 1);
  if (updated === child.fields) return fields;
  const result = new Map(fields);
  result.set(key, mapValue(updated));
  return result;
}

/** Keeps only the given paths (a projection / field mask), preserving nesting. */
export function projectFields(fields: MapFields, paths: readonly FieldPath[]): MapFields {
  let result: MapFields = EMPTY_FIELDS;
  for (const path of paths) {
    const value = getField(fields, path);
    if (value !== undefined) result = setField(result, path, value);
  }
  return result;
}

/** Leaf paths of all values in a map (a map value counts as a leaf only when empty). */
export function leafPaths(fields: MapFields, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [key, value] of fields) {
    const path = [...prefix, key];
    if (value.type === 'map' && value.fields.size > 0) out.push(...leafPaths(value.fields, path));
    else out.push(path);
  }
  return out;
}
