import { invalidArgument } from '../errors.js';
import { parseDocumentName, type DatabaseName } from '../resource-names.js';
import { validateTimestamp, type Timestamp } from '../timestamp.js';
import type { MapFields, Value } from '../values.js';
import { projectFields } from '../field-path.js';
import type { DocumentOut, Int64, TimestampOut, TimestampProto, ValueOut, ValueProto } from './types.js';

/** Firestore's nesting limit for maps and arrays. */
const MAX_DEPTH = 20;

export function int64ToBigInt(value: Int64): bigint {
  if (typeof value === 'number') return BigInt(value);
  const { low, high } = value;
  if (high === 0 && low >= 0) return BigInt(low);
  if (high === -1 && low < 0) return BigInt(low);
  const big = (BigInt(high) << 32n) | BigInt(low >>> 0);
  return value.unsigned === true ? BigInt.asUintN(64, big) : big;
}

export function int64ToNumber(value: Int64): number {
  if (typeof value === 'number') return value;
  return value.high * 4294967296 + (value.low >>> 0);
}

const SAFE_MIN = -9007199254740991n;
const SAFE_MAX = 9007199254740991n;

export function bigIntToInt64(value: bigint): Int64 {
  if (value >= SAFE_MIN && value <= SAFE_MAX) return Number(value);
  return {
    low: Number(BigInt.asIntN(32, value)),
    high: Number(BigInt.asIntN(32, value >> 32n)),
    unsigned: false,
  };
}

export function decodeTimestamp(proto: TimestampProto, what: string): Timestamp {
  return validateTimestamp({ seconds: int64ToNumber(proto.seconds), nanos: proto.nanos }, what);
}

export function encodeTimestamp(t: Timestamp): TimestampOut {
  return { seconds: t.seconds, nanos: t.nanos };
}

/**
 * Converts a decoded Value message into the emulator's representation, validating it the way
 * Firestore does (nesting depth, no arrays directly inside arrays, references into the same
 * database, geo point ranges).
 */
export function decodeValue(proto: ValueProto, db: DatabaseName, depth = 0): Value {
  switch (proto.valueType) {
    case 'nullValue':
      return { type: 'null' };
    case 'booleanValue':
      return { type: 'boolean', value: proto.booleanValue === true };
    case 'integerValue':
      return { type: 'integer', value: int64ToBigInt(proto.integerValue ?? 0) };
    case 'doubleValue':
      return { type: 'double', value: proto.doubleValue ?? 0 };
    case 'timestampValue':
      return {
        type: 'timestamp',
        value: decodeTimestamp(proto.timestampValue ?? { seconds: 0, nanos: 0 }, 'timestamp_value'),
      };
    case 'stringValue':
      return { type: 'string', value: proto.stringValue ?? '' };
    case 'bytesValue':
      // Copy: decoded bytes are views into the request buffer, which must not be retained.
      return { type: 'bytes', value: Uint8Array.prototype.slice.call(proto.bytesValue ?? new Uint8Array()) };
    case 'referenceValue': {
      const reference = proto.referenceValue ?? '';
      parseDocumentName(db, reference, 'reference_value');
      return { type: 'reference', value: reference };
    }
    case 'geoPointValue': {
      const latitude = proto.geoPointValue?.latitude ?? 0;
      const longitude = proto.geoPointValue?.longitude ?? 0;
      if (!(latitude >= -90 && latitude <= 90) || !(longitude >= -180 && longitude <= 180)) {
        throw invalidArgument(
          `Invalid geo_point_value (${latitude}, ${longitude}): latitude must be in [-90, 90] and longitude in [-180, 180].`,
        );
      }
      return { type: 'geopoint', latitude, longitude };
    }
    case 'arrayValue': {
      if (depth >= MAX_DEPTH) throw tooDeep();
      const source = proto.arrayValue?.values ?? [];
      const values = new Array<Value>(source.length);
      for (let i = 0; i < source.length; i++) {
        const item = source[i];
        if (item === undefined) continue;
        if (item.valueType === 'arrayValue') {
          throw invalidArgument('Cannot have an array value directly inside an array value.');
        }
        values[i] = decodeValue(item, db, depth + 1);
      }
      return { type: 'array', values };
    }
    case 'mapValue': {
      if (depth >= MAX_DEPTH) throw tooDeep();
      return { type: 'map', fields: decodeFields(proto.mapValue?.fields ?? {}, db, depth + 1) };
    }
    default:
      throw invalidArgument('A Value must have exactly one value type set (it was empty).');
  }
}

function tooDeep(): Error {
  return invalidArgument(`Maps and arrays cannot be nested more than ${MAX_DEPTH} levels deep.`);
}

export function decodeFields(
  fields: Readonly<Record<string, ValueProto>>,
  db: DatabaseName,
  depth = 0,
): MapFields {
  const result = new Map<string, Value>();
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) result.set(key, decodeValue(value, db, depth));
  }
  return result;
}

export function encodeValue(value: Value): ValueOut {
  switch (value.type) {
    case 'null':
      return { nullValue: 0 };
    case 'boolean':
      return { booleanValue: value.value };
    case 'integer':
      return { integerValue: bigIntToInt64(value.value) };
    case 'double':
      return { doubleValue: value.value };
    case 'timestamp':
      return { timestampValue: encodeTimestamp(value.value) };
    case 'string':
      return { stringValue: value.value };
    case 'bytes':
      return { bytesValue: value.value };
    case 'reference':
      return { referenceValue: value.value };
    case 'geopoint':
      return { geoPointValue: { latitude: value.latitude, longitude: value.longitude } };
    case 'array':
      return { arrayValue: { values: value.values.map(encodeValue) } };
    case 'map':
      return { mapValue: { fields: encodeFields(value.fields) } };
  }
}

/** A null-prototype record, so that a key like "__proto__" stays an ordinary key. */
export function encodeFields(fields: MapFields): Record<string, ValueOut> {
  const out: Record<string, ValueOut> = Object.create(null) as Record<string, ValueOut>;
  for (const [key, value] of fields) out[key] = encodeValue(value);
  return out;
}

/** A stored document version as a Document message, optionally projected to `mask`. */
export function encodeDocument(
  doc: {
    readonly entry: { readonly name: string };
    readonly fields: MapFields;
    readonly createTime: Timestamp;
    readonly updateTime: Timestamp;
  },
  mask?: readonly (readonly string[])[],
): DocumentOut {
  return {
    name: doc.entry.name,
    fields: encodeFields(mask === undefined ? doc.fields : projectFields(doc.fields, mask)),
    createTime: encodeTimestamp(doc.createTime),
    updateTime: encodeTimestamp(doc.updateTime),
  };
}
