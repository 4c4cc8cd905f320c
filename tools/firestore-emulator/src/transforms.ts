import type { FieldPath } from './field-path.js';
import type { Timestamp } from './timestamp.js';
import {
  compareNumbers,
  INT64_MAX,
  INT64_MIN,
  isNaNValue,
  isNumber,
  NULL_VALUE,
  valuesEqual,
  type Value,
} from './values.js';

type NumberValue = Extract<Value, { type: 'integer' | 'double' }>;

export type FieldTransform =
  | { readonly path: FieldPath; readonly kind: 'serverTimestamp' }
  | {
      readonly path: FieldPath;
      readonly kind: 'increment' | 'maximum' | 'minimum';
      readonly operand: NumberValue;
    }
  | {
      readonly path: FieldPath;
      readonly kind: 'appendMissingElements' | 'removeAllFromArray';
      readonly elements: readonly Value[];
    };

export interface TransformOutcome {
  /** The field's new value. */
  readonly value: Value;
  /** What WriteResult.transform_results reports for this transform. */
  readonly result: Value;
}

/** Applies one field transform to the field's current value (undefined when absent). */
export function applyTransform(
  transform: FieldTransform,
  current: Value | undefined,
  commitTime: Timestamp,
): TransformOutcome {
  switch (transform.kind) {
    case 'serverTimestamp': {
      // Firestore evaluates server timestamps with millisecond precision, not after the commit.
      const value: Value = {
        type: 'timestamp',
        value: { seconds: commitTime.seconds, nanos: Math.floor(commitTime.nanos / 1e6) * 1e6 },
      };
      return { value, result: value };
    }
    case 'increment': {
      const value = increment(current, transform.operand);
      return { value, result: value };
    }
    case 'maximum': {
      const value = extremum(current, transform.operand, 1);
      return { value, result: value };
    }
    case 'minimum': {
      const value = extremum(current, transform.operand, -1);
      return { value, result: value };
    }
    case 'appendMissingElements': {
      const values = current?.type === 'array' ? [...current.values] : [];
      for (const element of transform.elements) {
        if (!values.some((existing) => valuesEqual(existing, element))) values.push(element);
      }
      return { value: { type: 'array', values }, result: NULL_VALUE };
    }
    case 'removeAllFromArray': {
      const values = current?.type === 'array' ? current.values : [];
      const kept = values.filter(
        (existing) => !transform.elements.some((element) => valuesEqual(existing, element)),
      );
      return { value: { type: 'array', values: kept }, result: NULL_VALUE };
    }
  }
}

/**
 * Firestore's increment: a missing or non-numeric field becomes the operand; integer + integer
 * stays an integer and saturates at the int64 bounds; if either side is a double, both are
 * treated as doubles (IEEE 754).
 */
function increment(current: Value | undefined, operand: NumberValue): Value {
  if (current === undefined || !isNumber(current)) return operand;
  if (current.type === 'integer' && operand.type === 'integer') {
    const sum = current.value + operand.value;
    return { type: 'integer', value: sum > INT64_MAX ? INT64_MAX : sum < INT64_MIN ? INT64_MIN : sum };
  }
  return { type: 'double', value: Number(current.value) + Number(operand.value) };
}

/**
 * maximum (direction 1) / minimum (-1): a missing or non-numeric field becomes the operand; NaN
 * on either side gives NaN; otherwise the larger (smaller) operand wins with its own type, and
 * on a tie (3 vs 3.0, or zeros of any sign) the stored value is kept.
 */
function extremum(current: Value | undefined, operand: NumberValue, direction: 1 | -1): Value {
  if (current === undefined || !isNumber(current)) return operand;
  if (isNaNValue(current)) return current;
  if (isNaNValue(operand)) return operand;
  const order = compareNumbers(operand, current);
  return order * direction > 0 ? operand : current;
}
