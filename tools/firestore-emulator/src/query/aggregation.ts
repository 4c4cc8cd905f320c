import { invalidArgument } from '../errors.js';
import { formatFieldPath, getField, parseFieldPath, type FieldPath } from '../field-path.js';
import { int64ToBigInt } from '../proto/codec.js';
import type { AggregationProto } from '../proto/types.js';
import type { LiveDocument } from '../store/document.js';
import { INT64_MAX, INT64_MIN, type Value } from '../values.js';

export type Aggregation =
  | { readonly alias: string; readonly kind: 'count'; readonly upTo: bigint | undefined }
  | { readonly alias: string; readonly kind: 'sum' | 'avg'; readonly path: FieldPath };

const MAX_AGGREGATIONS = 5;

export function parseAggregations(protos: readonly AggregationProto[]): Aggregation[] {
  if (protos.length === 0) throw invalidArgument('An aggregation query needs at least one aggregation.');
  if (protos.length > MAX_AGGREGATIONS) {
    throw invalidArgument(
      `An aggregation query supports at most ${MAX_AGGREGATIONS} aggregations (got ${protos.length}).`,
    );
  }
  const aliases = new Set<string>();
  return protos.map((proto, i) => {
    const alias = proto.alias === '' ? `field_${i + 1}` : proto.alias;
    if (aliases.has(alias)) throw invalidArgument(`Duplicate aggregation alias "${alias}".`);
    aliases.add(alias);
    switch (proto.operator) {
      case 'count': {
        const upTo =
          proto.count?.upTo === null || proto.count?.upTo === undefined
            ? undefined
            : int64ToBigInt(proto.count.upTo.value);
        if (upTo !== undefined && upTo <= 0n)
          throw invalidArgument(`count up_to must be positive (got ${upTo}).`);
        return { alias, kind: 'count', upTo };
      }
      case 'sum':
      case 'avg': {
        const reference = proto[proto.operator]?.field;
        if (reference === null || reference === undefined || reference.fieldPath === '') {
          throw invalidArgument(`The ${proto.operator} aggregation "${alias}" must name a field.`);
        }
        return { alias, kind: proto.operator, path: parseFieldPath(reference.fieldPath) };
      }
      default:
        throw invalidArgument(`The aggregation "${alias}" has no operator (count, sum or avg).`);
    }
  });
}

/**
 * The fields a document must have to be aggregated at all. Firestore: "Queries with multiple
 * aggregations include only the documents that contain all the fields in each aggregation", so
 * `count()` next to `sum('a')` counts only documents that have `a`, and `sum('a')` next to
 * `avg('b')` sums only documents that also have `b`. A value of any type (null too) is present;
 * sum and avg then still skip non-numeric ones. The requirement applies before the nested
 * query's offset and limit, like that of an order-by field.
 */
export function aggregatedFields(aggregations: readonly Aggregation[]): FieldPath[] {
  const fields = new Map<string, FieldPath>();
  for (const aggregation of aggregations)
    if (aggregation.kind !== 'count') fields.set(formatFieldPath(aggregation.path), aggregation.path);
  return [...fields.values()];
}

/**
 * Computes the aggregations over the query's result documents with Firestore's rules: sum is an
 * integer while every summed value is an integer and it does not overflow int64, otherwise a
 * double; avg is always a double, or null when no numeric value was seen; non-numeric values
 * are ignored; a NaN makes the result NaN.
 */
export function aggregate(
  aggregations: readonly Aggregation[],
  documents: readonly LiveDocument[],
): Map<string, Value> {
  const result = new Map<string, Value>();
  for (const aggregation of aggregations) {
    if (aggregation.kind === 'count') {
      let count = BigInt(documents.length);
      if (aggregation.upTo !== undefined && count > aggregation.upTo) count = aggregation.upTo;
      result.set(aggregation.alias, { type: 'integer', value: count });
      continue;
    }
    let integerSum = 0n;
    let doubleSum = 0;
    let sawDouble = false;
    let numericCount = 0;
    for (const doc of documents) {
      const value = getField(doc.fields, aggregation.path);
      if (value?.type === 'integer') {
        integerSum += value.value;
        numericCount++;
      } else if (value?.type === 'double') {
        doubleSum += value.value;
        sawDouble = true;
        numericCount++;
      }
    }
    if (aggregation.kind === 'sum') {
      if (!sawDouble && integerSum >= INT64_MIN && integerSum <= INT64_MAX) {
        result.set(aggregation.alias, { type: 'integer', value: integerSum });
      } else {
        result.set(aggregation.alias, { type: 'double', value: Number(integerSum) + doubleSum });
      }
    } else if (numericCount === 0) {
      result.set(aggregation.alias, { type: 'null' });
    } else {
      result.set(aggregation.alias, {
        type: 'double',
        value: (Number(integerSum) + doubleSum) / numericCount,
      });
    }
  }
  return result;
}

/** Billing: one read per started batch of 1000 matched index entries, at least one. */
export function aggregationReads(matched: number): number {
  return Math.max(1, Math.ceil(matched / 1000));
}
