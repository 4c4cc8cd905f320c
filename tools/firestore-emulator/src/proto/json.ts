import { invalidArgument } from '../errors.js';
import { formatTimestamp, parseTimestamp } from '../timestamp.js';
import type { MapFields, Value } from '../values.js';

/**
 * The proto3 JSON form of google.firestore.v1.Value, as the REST API, CloudEvents with
 * `application/json` data, and our export files use it.
 */
export type JsonValue =
  | { nullValue: null }
  | { booleanValue: boolean }
  | { integerValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' }
  | { timestampValue: string }
  | { stringValue: string }
  | { bytesValue: string }
  | { referenceValue: string }
  | { geoPointValue: { latitude: number; longitude: number } }
  | { arrayValue: { values?: JsonValue[] } }
  | { mapValue: { fields?: Record<string, JsonValue> } };

export function valueToJson(value: Value): JsonValue {
  switch (value.type) {
    case 'null':
      return { nullValue: null };
    case 'boolean':
      return { booleanValue: value.value };
    case 'integer':
      return { integerValue: value.value.toString() };
    case 'double':
      if (Number.isNaN(value.value)) return { doubleValue: 'NaN' };
      if (value.value === Infinity) return { doubleValue: 'Infinity' };
      if (value.value === -Infinity) return { doubleValue: '-Infinity' };
      return { doubleValue: value.value };
    case 'timestamp':
      return { timestampValue: formatTimestamp(value.value) };
    case 'string':
      return { stringValue: value.value };
    case 'bytes':
      return { bytesValue: Buffer.from(value.value).toString('base64') };
    case 'reference':
      return { referenceValue: value.value };
    case 'geopoint':
      return { geoPointValue: { latitude: value.latitude, longitude: value.longitude } };
    case 'array':
      return { arrayValue: { values: value.values.map(valueToJson) } };
    case 'map':
      return { mapValue: { fields: fieldsToJson(value.fields) } };
  }
}

export function fieldsToJson(fields: MapFields): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = Object.create(null) as Record<string, JsonValue>;
  for (const [key, value] of fields) out[key] = valueToJson(value);
  return out;
}

function isRecord(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

export function valueFromJson(input: unknown): Value {
  if (!isRecord(input)) throw invalidArgument('Invalid JSON value: expected an object.');
  const keys = Object.keys(input);
  if (keys.length !== 1)
    throw invalidArgument(`Invalid JSON value: expected exactly one value type, got ${keys.join(', ')}.`);
  const key = keys[0] ?? '';
  const raw = input[key];
  switch (key) {
    case 'nullValue':
      return { type: 'null' };
    case 'booleanValue':
      if (typeof raw !== 'boolean') break;
      return { type: 'boolean', value: raw };
    case 'integerValue':
      if (typeof raw !== 'string' && typeof raw !== 'number') break;
      return { type: 'integer', value: BigInt(raw) };
    case 'doubleValue':
      if (typeof raw === 'number') return { type: 'double', value: raw };
      if (raw === 'NaN' || raw === 'Infinity' || raw === '-Infinity')
        return { type: 'double', value: Number(raw) };
      break;
    case 'timestampValue':
      if (typeof raw !== 'string') break;
      return { type: 'timestamp', value: parseTimestamp(raw) };
    case 'stringValue':
      if (typeof raw !== 'string') break;
      return { type: 'string', value: raw };
    case 'bytesValue':
      if (typeof raw !== 'string') break;
      return { type: 'bytes', value: new Uint8Array(Buffer.from(raw, 'base64')) };
    case 'referenceValue':
      if (typeof raw !== 'string') break;
      return { type: 'reference', value: raw };
    case 'geoPointValue':
      if (!isRecord(raw) || typeof raw['latitude'] !== 'number' || typeof raw['longitude'] !== 'number')
        break;
      return { type: 'geopoint', latitude: raw['latitude'], longitude: raw['longitude'] };
    case 'arrayValue': {
      if (!isRecord(raw)) break;
      const values = raw['values'] ?? [];
      if (!Array.isArray(values)) break;
      return { type: 'array', values: values.map(valueFromJson) };
    }
    case 'mapValue':
      if (!isRecord(raw)) break;
      return { type: 'map', fields: fieldsFromJson(raw['fields'] ?? {}) };
    default:
      break;
  }
  throw invalidArgument(`Invalid JSON value for ${key}.`);
}

export function fieldsFromJson(input: unknown): MapFields {
  if (!isRecord(input)) throw invalidArgument('Invalid JSON fields: expected an object.');
  const result = new Map<string, Value>();
  for (const [key, value] of Object.entries(input)) result.set(key, valueFromJson(value));
  return result;
}
