import { getField, type FieldPath } from '../field-path.js';
import type { LiveDocument } from '../store/document.js';
import { compareSegments, compareValues, isNaNValue, typeOrder, valuesEqual, type Value } from '../values.js';
import type { Bound, Filter, Order, Query } from './model.js';

export function fieldOf(doc: LiveDocument, path: FieldPath): Value | undefined {
  if (path.length === 1 && path[0] === '__name__') return doc.entry.nameValue;
  return getField(doc.fields, path);
}

/** Firestore filter semantics (the same rules the client SDKs use to evaluate queries locally). */
export function matchesFilter(doc: LiveDocument, filter: Filter): boolean {
  switch (filter.kind) {
    case 'and':
      return filter.filters.every((child) => matchesFilter(doc, child));
    case 'or':
      return filter.filters.some((child) => matchesFilter(doc, child));
    case 'unary': {
      const value = fieldOf(doc, filter.path);
      if (value === undefined) return false;
      switch (filter.op) {
        case 'IS_NULL':
          return value.type === 'null';
        case 'IS_NAN':
          return isNaNValue(value);
        case 'IS_NOT_NULL':
          return value.type !== 'null';
        case 'IS_NOT_NAN':
          return value.type !== 'null' && !isNaNValue(value);
      }
      return false;
    }
    case 'field': {
      const value = fieldOf(doc, filter.path);
      if (value === undefined) return false;
      const operand = filter.value;
      switch (filter.op) {
        case 'EQUAL':
          return valuesEqual(value, operand);
        case 'NOT_EQUAL':
          return value.type !== 'null' && !valuesEqual(value, operand);
        case 'LESS_THAN':
          return comparable(value, operand) && compareValues(value, operand) < 0;
        case 'LESS_THAN_OR_EQUAL':
          return comparable(value, operand) && compareValues(value, operand) <= 0;
        case 'GREATER_THAN':
          return comparable(value, operand) && compareValues(value, operand) > 0;
        case 'GREATER_THAN_OR_EQUAL':
          return comparable(value, operand) && compareValues(value, operand) >= 0;
        case 'ARRAY_CONTAINS':
          return value.type === 'array' && value.values.some((item) => valuesEqual(item, operand));
        case 'IN':
          return operand.type === 'array' && operand.values.some((item) => valuesEqual(value, item));
        case 'ARRAY_CONTAINS_ANY':
          return (
            value.type === 'array' &&
            operand.type === 'array' &&
            value.values.some((item) => operand.values.some((candidate) => valuesEqual(item, candidate)))
          );
        case 'NOT_IN':
          if (operand.type !== 'array') return false;
          // A null in the list excludes everything, as in Firestore.
          if (operand.values.some((item) => item.type === 'null')) return false;
          return value.type !== 'null' && !operand.values.some((item) => valuesEqual(value, item));
      }
    }
  }
  return false;
}

/**
 * Range filters match only values of the operand's type, and never NaN: NaN orders before all
 * numbers, but Firestore's `<`, `<=`, `>` and `>=` do not match it, on either side (only `==`
 * / `in` find NaN). The client SDKs' local evaluation differs here.
 */
function comparable(value: Value, operand: Value): boolean {
  return typeOrder(value) === typeOrder(operand) && !isNaNValue(value) && !isNaNValue(operand);
}

/** Documents lacking a field the query is ordered by (or requires) are not in its results. */
export function hasRequiredFields(doc: LiveDocument, query: Query): boolean {
  for (const order of query.orders)
    if (!order.isName && getField(doc.fields, order.path) === undefined) return false;
  for (const path of query.requiredFields) if (getField(doc.fields, path) === undefined) return false;
  return true;
}

export function compareDocuments(a: LiveDocument, b: LiveDocument, orders: readonly Order[]): number {
  for (const order of orders) {
    let c: number;
    if (order.isName) {
      c = compareSegments(a.entry.segments, b.entry.segments);
    } else {
      const va = getField(a.fields, order.path);
      const vb = getField(b.fields, order.path);
      if (va === undefined || vb === undefined) c = va === vb ? 0 : va === undefined ? -1 : 1;
      else c = compareValues(va, vb);
    }
    if (c !== 0) return order.descending ? -c : c;
  }
  return 0;
}

/** Compares a document's position with a cursor over the cursor's (possibly fewer) values. */
function compareToBound(doc: LiveDocument, bound: Bound, orders: readonly Order[]): number {
  for (let i = 0; i < bound.values.length; i++) {
    const order = orders[i];
    const cursorValue = bound.values[i];
    if (order === undefined || cursorValue === undefined) break;
    const value = fieldOf(doc, order.path);
    if (value === undefined) return -1;
    const c = compareValues(value, cursorValue);
    if (c !== 0) return order.descending ? -c : c;
  }
  return 0;
}

export function afterStart(doc: LiveDocument, query: Query): boolean {
  if (query.startAt === undefined) return true;
  const c = compareToBound(doc, query.startAt, query.orders);
  return c > 0 || (c === 0 && query.startAt.before);
}

export function beforeEnd(doc: LiveDocument, query: Query): boolean {
  if (query.endAt === undefined) return true;
  const c = compareToBound(doc, query.endAt, query.orders);
  return c < 0 || (c === 0 && !query.endAt.before);
}

/** Whether a document belongs to the query's result set, ignoring offset and limit. */
export function matchesQuery(doc: LiveDocument, query: Query): boolean {
  if (!inScope(doc.entry.path, query)) return false;
  if (!hasRequiredFields(doc, query)) return false;
  if (query.filter !== undefined && !matchesFilter(doc, query.filter)) return false;
  return afterStart(doc, query) && beforeEnd(doc, query);
}

/** Whether a document path lies in the collection (or collection group) the query reads. */
export function inScope(path: string, query: Query): boolean {
  const slash = path.lastIndexOf('/');
  const collectionPath = path.slice(0, slash);
  if (!query.allDescendants) {
    return (
      collectionPath ===
      (query.parentPath === '' ? query.collectionId : `${query.parentPath}/${query.collectionId}`)
    );
  }
  if (query.parentPath !== '' && !path.startsWith(`${query.parentPath}/`)) return false;
  if (query.collectionId === '') return true;
  return collectionPath.slice(collectionPath.lastIndexOf('/') + 1) === query.collectionId;
}
