import { compareTimestamps, type Timestamp } from './timestamp.js';

/**
 * Firestore values as the emulator holds them. Integers are `bigint` so that int64 arithmetic
 * (increments, sums, comparisons with doubles) is exact; maps are `Map`s so that any key,
 * including "__proto__", is an ordinary key.
 */
export type Value =
  | { readonly type: 'null' }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'integer'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'timestamp'; readonly value: Timestamp }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'bytes'; readonly value: Uint8Array }
  | { readonly type: 'reference'; readonly value: string }
  | { readonly type: 'geopoint'; readonly latitude: number; readonly longitude: number }
  | { readonly type: 'array'; readonly values: readonly Value[] }
  | { readonly type: 'map'; readonly fields: MapFields };

export type MapFields = ReadonlyMap<string, Value>;
export type ValueType = Value['type'];

export const NULL_VALUE: Value = Object.freeze({ type: 'null' });
export const EMPTY_FIELDS: MapFields = new Map();

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

export function integerValue(value: bigint): Value {
  return { type: 'integer', value };
}

export function doubleValue(value: number): Value {
  return { type: 'double', value };
}

export function arrayValue(values: readonly Value[]): Value {
  return { type: 'array', values };
}

export function mapValue(fields: MapFields): Value {
  return { type: 'map', fields };
}

export function isNumber(value: Value): value is Extract<Value, { type: 'integer' | 'double' }> {
  return value.type === 'integer' || value.type === 'double';
}

export function isNaNValue(value: Value): boolean {
  return value.type === 'double' && Number.isNaN(value.value);
}

/** A vector is stored as a map {__type__: "__vector__", value: [doubles]}. */
export function vectorElements(fields: MapFields): readonly Value[] | undefined {
  const marker = fields.get('__type__');
  if (marker?.type !== 'string' || marker.value !== '__vector__') return undefined;
  const elements = fields.get('value');
  return elements?.type === 'array' ? elements.values : [];
}

/**
 * Firestore's type order: null < boolean < NaN < numbers < timestamps < strings < bytes <
 * references < geo points < arrays < vectors < maps. NaN shares the number slot and is ordered
 * first inside it by compareNumbers.
 */
export function typeOrder(value: Value): number {
  switch (value.type) {
    case 'null':
      return 0;
    case 'boolean':
      return 1;
    case 'integer':
    case 'double':
      return 2;
    case 'timestamp':
      return 3;
    case 'string':
      return 4;
    case 'bytes':
      return 5;
    case 'reference':
      return 6;
    case 'geopoint':
      return 7;
    case 'array':
      return 8;
    case 'map':
      return vectorElements(value.fields) === undefined ? 10 : 9;
  }
}

export function compareValues(a: Value, b: Value): number {
  const orderA = typeOrder(a);
  const orderB = typeOrder(b);
  if (orderA !== orderB) return orderA < orderB ? -1 : 1;
  switch (a.type) {
    case 'null':
      return 0;
    case 'boolean':
      return b.type === 'boolean' ? compareBooleans(a.value, b.value) : 0;
    case 'integer':
    case 'double':
      return isNumber(b) ? compareNumbers(a, b) : 0;
    case 'timestamp':
      return b.type === 'timestamp' ? compareTimestamps(a.value, b.value) : 0;
    case 'string':
      return b.type === 'string' ? compareUtf8(a.value, b.value) : 0;
    case 'bytes':
      return b.type === 'bytes' ? compareBytes(a.value, b.value) : 0;
    case 'reference':
      return b.type === 'reference' ? compareReferences(a.value, b.value) : 0;
    case 'geopoint':
      return b.type === 'geopoint'
        ? compareDoubles(a.latitude, b.latitude) || compareDoubles(a.longitude, b.longitude)
        : 0;
    case 'array':
      return b.type === 'array' ? compareArrays(a.values, b.values) : 0;
    case 'map':
      return b.type === 'map' ? compareMapsOrVectors(a.fields, b.fields) : 0;
  }
}

/** Query equality: numbers compare numerically (1 == 1.0, -0.0 == 0.0) and NaN equals NaN. */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a.type !== b.type && !(isNumber(a) && isNumber(b))) return false;
  return compareValues(a, b) === 0;
}

function compareBooleans(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? 1 : -1;
}

/** Orders doubles with NaN first and -0.0 equal to 0.0. */
export function compareDoubles(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN && bNaN) return 0;
  return aNaN ? -1 : 1;
}

export function compareNumbers(
  a: Extract<Value, { type: 'integer' | 'double' }>,
  b: Extract<Value, { type: 'integer' | 'double' }>,
): number {
  if (a.type === 'integer') {
    if (b.type === 'integer') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    return compareIntegerToDouble(a.value, b.value);
  }
  if (b.type === 'double') return compareDoubles(a.value, b.value);
  return -compareIntegerToDouble(b.value, a.value);
}

/** Exact comparison of an int64 with a double (no rounding of the integer to a double). */
export function compareIntegerToDouble(integer: bigint, double: number): number {
  if (Number.isNaN(double)) return 1;
  if (double === Infinity) return -1;
  if (double === -Infinity) return 1;
  const whole = Math.trunc(double);
  const wholeBig = BigInt(whole);
  if (integer < wholeBig) return -1;
  if (integer > wholeBig) return 1;
  const fraction = double - whole;
  return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
}

/**
 * Firestore orders strings by their UTF-8 bytes, which is code point order. JavaScript's `<`
 * compares UTF-16 code units, which differs for characters above U+FFFF against U+E000..U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    const surrogateA = ca >= 0xd800 && ca <= 0xdfff;
    const surrogateB = cb >= 0xd800 && cb <= 0xdfff;
    if (surrogateA === surrogateB) return ca < cb ? -1 : 1;
    return surrogateA ? 1 : -1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** References order by their path segments, not as flat strings ("a/b" < "a-/b"). */
export function compareReferences(a: string, b: string): number {
  if (a === b) return 0;
  return compareSegments(a.split('/'), b.split('/'));
}

const NUMERIC_ID = /^__id(-?(?:0|[1-9][0-9]*))__$/;

/**
 * The integer of a numeric document id, `__id<int64>__` (how Firestore exposes Datastore's
 * integer ids), or undefined for a string id. Only the canonical decimal form counts, so that
 * one integer has one name.
 */
export function numericId(id: string): bigint | undefined {
  if (id.length < 7 || id.charCodeAt(0) !== 95 /* _ */ || !id.startsWith('__id')) return undefined;
  const digits = NUMERIC_ID.exec(id)?.[1];
  if (digits === undefined || digits === '-0') return undefined;
  const value = BigInt(digits);
  return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/** Document ids as Firestore orders them: numeric ids first, by value, then strings by UTF-8 bytes. */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const numberA = numericId(a);
  const numberB = numericId(b);
  if (numberA !== undefined) {
    if (numberB === undefined) return -1;
    return numberA < numberB ? -1 : numberA > numberB ? 1 : 0;
  }
  if (numberB !== undefined) return 1;
  return compareUtf8(a, b);
}

/** Resource paths, segment by segment, each segment compared as a document id. */
export function compareSegments(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = compareIds(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Field paths, segment by segment in UTF-8 byte order. */
export function compareFieldPaths(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = compareUtf8(a[i] ?? '', b[i] ?? '');
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareArrays(a: readonly Value[], b: readonly Value[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) break;
    const c = compareValues(x, y);
    if (c !== 0) return c;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function compareMapsOrVectors(a: MapFields, b: MapFields): number {
  const vectorA = vectorElements(a);
  const vectorB = vectorElements(b);
  if (vectorA !== undefined && vectorB !== undefined) {
    // Vectors order by dimension first, then element by element.
    if (vectorA.length !== vectorB.length) return vectorA.length < vectorB.length ? -1 : 1;
    return compareArrays(vectorA, vectorB);
  }
  return compareMaps(a, b);
}

/** Maps order key by key (keys sorted), comparing each key and then its value. */
function compareMaps(a: MapFields, b: MapFields): number {
  const keysA = sortedKeys(a);
  const keysB = sortedKeys(b);
  const length = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < length; i++) {
    const keyA = keysA[i] ?? '';
    const keyB = keysB[i] ?? '';
    const keyOrder = compareUtf8(keyA, keyB);
    if (keyOrder !== 0) return keyOrder;
    const valueA = a.get(keyA);
    const valueB = b.get(keyB);
    if (valueA === undefined || valueB === undefined) continue;
    const c = compareValues(valueA, valueB);
    if (c !== 0) return c;
  }
  return keysA.length === keysB.length ? 0 : keysA.length < keysB.length ? -1 : 1;
}

export function sortedKeys(fields: MapFields): string[] {
  return [...fields.keys()].sort(compareUtf8);
}

/**
 * Exact identity, used to tell whether a write changed a document: unlike query equality, 1 and
 * 1.0 differ, -0.0 and 0.0 differ, and NaN is identical to NaN.
 */
export function valuesIdentical(a: Value, b: Value): boolean {
  if (a === b) return true;
  switch (a.type) {
    case 'null':
      return b.type === 'null';
    case 'boolean':
      return b.type === 'boolean' && a.value === b.value;
    case 'integer':
      return b.type === 'integer' && a.value === b.value;
    case 'double':
      return b.type === 'double' && Object.is(a.value, b.value);
    case 'timestamp':
      return b.type === 'timestamp' && a.value.seconds === b.value.seconds && a.value.nanos === b.value.nanos;
    case 'string':
      return b.type === 'string' && a.value === b.value;
    case 'bytes':
      return b.type === 'bytes' && compareBytes(a.value, b.value) === 0;
    case 'reference':
      return b.type === 'reference' && a.value === b.value;
    case 'geopoint':
      return (
        b.type === 'geopoint' && Object.is(a.latitude, b.latitude) && Object.is(a.longitude, b.longitude)
      );
    case 'array':
      return (
        b.type === 'array' &&
        a.values.length === b.values.length &&
        a.values.every((item, i) => {
          const other = b.values[i];
          return other !== undefined && valuesIdentical(item, other);
        })
      );
    case 'map':
      return b.type === 'map' && fieldsIdentical(a.fields, b.fields);
  }
}

export function fieldsIdentical(a: MapFields, b: MapFields): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, value] of a) {
    const other = b.get(key);
    if (other === undefined || !valuesIdentical(value, other)) return false;
  }
  return true;
}
