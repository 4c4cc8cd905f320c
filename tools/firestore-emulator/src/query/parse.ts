import { invalidArgument } from '../errors.js';
import { formatFieldPath, isNamePath, parseFieldPath, type FieldPath } from '../field-path.js';
import { decodeValue } from '../proto/codec.js';
import type {
  CursorProto,
  FieldReferenceProto,
  FilterProto,
  FindNearestProto,
  StructuredQueryProto,
} from '../proto/types.js';
import { validateCollectionId, type DatabaseName } from '../resource-names.js';
import { compareFieldPaths, type Value } from '../values.js';
import type {
  Bound,
  DistanceMeasure,
  FieldOperator,
  Filter,
  FindNearest,
  Order,
  Query,
  UnaryOperator,
} from './model.js';
import { vectorOf } from './nearest.js';

const FIELD_OPERATORS: Record<number, FieldOperator> = {
  1: 'LESS_THAN',
  2: 'LESS_THAN_OR_EQUAL',
  3: 'GREATER_THAN',
  4: 'GREATER_THAN_OR_EQUAL',
  5: 'EQUAL',
  6: 'NOT_EQUAL',
  7: 'ARRAY_CONTAINS',
  8: 'IN',
  9: 'ARRAY_CONTAINS_ANY',
  10: 'NOT_IN',
};

const UNARY_OPERATORS: Record<number, UnaryOperator> = {
  2: 'IS_NAN',
  3: 'IS_NULL',
  4: 'IS_NOT_NAN',
  5: 'IS_NOT_NULL',
};

const INEQUALITY: ReadonlySet<string> = new Set([
  'LESS_THAN',
  'LESS_THAN_OR_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL',
  'NOT_EQUAL',
  'NOT_IN',
  'IS_NOT_NAN',
  'IS_NOT_NULL',
]);

/** Firestore's limit on disjunctions in disjunctive normal form. */
const MAX_DISJUNCTIONS = 30;
const MAX_NOT_IN_VALUES = 10;
const RESERVED_FIELD = /^__.*__$/;

/** Parses and validates a StructuredQuery against the parent document path `parentPath`. */
export function parseStructuredQuery(
  proto: StructuredQueryProto,
  parentPath: string,
  db: DatabaseName,
): Query {
  if (proto.from.length !== 1) {
    throw invalidArgument(`A query must select exactly one collection in "from" (got ${proto.from.length}).`);
  }
  const from = proto.from[0];
  const collectionId = from?.collectionId ?? '';
  const allDescendants = from?.allDescendants === true;
  if (collectionId === '') {
    if (!allDescendants)
      throw invalidArgument(
        'A query must name a collection_id unless all_descendants is set (kindless query).',
      );
  } else {
    validateCollectionId(collectionId, 'collection_id');
  }

  const filter = proto.where === null ? undefined : parseFilter(proto.where, db);
  if (filter !== undefined) validateFilterCombination(filter);

  const orders = normalizeOrders(proto.orderBy, filter);
  if (collectionId === '' && orders.some((order) => !order.isName)) {
    throw invalidArgument('A kindless query can only be ordered by __name__.');
  }
  const startAt = proto.startAt === null ? undefined : parseBound(proto.startAt, orders, db, 'start_at');
  const endAt = proto.endAt === null ? undefined : parseBound(proto.endAt, orders, db, 'end_at');

  if (proto.offset < 0) throw invalidArgument(`offset must be non-negative (got ${proto.offset}).`);
  const limit = proto.limit === null ? undefined : proto.limit.value;
  if (limit !== undefined && limit < 0) throw invalidArgument(`limit must be non-negative (got ${limit}).`);

  const projection =
    proto.select === null ? undefined : proto.select.fields.map((field) => fieldReference(field, 'select'));
  const findNearest = proto.findNearest === null ? undefined : parseFindNearest(proto.findNearest, db);

  return {
    parentPath,
    collectionId,
    allDescendants,
    filter,
    orders,
    requiredFields: [],
    startAt,
    endAt,
    offset: proto.offset,
    limit,
    projection,
    nameOrderOnly: orders.length === 1 && orders[0]?.isName === true,
    findNearest,
  };
}

const DISTANCE_MEASURES: Record<number, DistanceMeasure> = { 1: 'EUCLIDEAN', 2: 'COSINE', 3: 'DOT_PRODUCT' };
/** Firestore's bounds: vectors of at most 2048 dimensions, at most 1000 neighbours. */
const MAX_VECTOR_DIMENSION = 2048;
const MAX_NEAREST_LIMIT = 1000;

function parseFindNearest(proto: FindNearestProto, db: DatabaseName): FindNearest {
  const path = fieldReference(proto.vectorField, 'find_nearest.vector_field');
  if (isNamePath(path)) throw invalidArgument('find_nearest.vector_field cannot be __name__.');
  if (proto.queryVector === null) throw invalidArgument('find_nearest requires a query_vector.');
  const vector = vectorOf(decodeValue(proto.queryVector, db));
  if (vector === undefined) {
    throw invalidArgument(
      'find_nearest.query_vector must be a vector value (a map with __type__ "__vector__" and a value array of numbers).',
    );
  }
  if (vector.length === 0 || vector.length > MAX_VECTOR_DIMENSION) {
    throw invalidArgument(
      `find_nearest.query_vector must have 1 to ${MAX_VECTOR_DIMENSION} dimensions (got ${vector.length}).`,
    );
  }
  const measure = DISTANCE_MEASURES[proto.distanceMeasure];
  if (measure === undefined) {
    throw invalidArgument('find_nearest.distance_measure must be EUCLIDEAN, COSINE or DOT_PRODUCT.');
  }
  const limit = proto.limit?.value;
  if (limit === undefined || limit < 1 || limit > MAX_NEAREST_LIMIT) {
    throw invalidArgument(
      `find_nearest.limit must be between 1 and ${MAX_NEAREST_LIMIT} (got ${limit ?? 'none'}).`,
    );
  }
  let resultField: FieldPath | undefined;
  if (proto.distanceResultField !== '') {
    resultField = parseFieldPath(proto.distanceResultField);
    if (resultField.some((segment) => RESERVED_FIELD.test(segment))) {
      throw invalidArgument(
        `find_nearest.distance_result_field "${proto.distanceResultField}" is a reserved field name (__.*__).`,
      );
    }
  }
  const threshold = proto.distanceThreshold === null ? undefined : proto.distanceThreshold.value;
  return { path, vector, measure, limit, resultField, threshold };
}

function fieldReference(reference: FieldReferenceProto | null | undefined, where: string): FieldPath {
  if (reference === null || reference === undefined || reference.fieldPath === '') {
    throw invalidArgument(`A field reference in ${where} must name a field.`);
  }
  return parseFieldPath(reference.fieldPath);
}

function parseFilter(proto: FilterProto, db: DatabaseName): Filter {
  switch (proto.filterType) {
    case 'compositeFilter': {
      const composite = proto.compositeFilter;
      if (composite === null || composite === undefined) throw invalidArgument('Empty composite filter.');
      const kind = composite.op === 1 ? 'and' : composite.op === 2 ? 'or' : undefined;
      if (kind === undefined) throw invalidArgument('A composite filter must use the AND or OR operator.');
      if (composite.filters.length === 0)
        throw invalidArgument('A composite filter must contain at least one filter.');
      return { kind, filters: composite.filters.map((child) => parseFilter(child, db)) };
    }
    case 'fieldFilter': {
      const field = proto.fieldFilter;
      if (field === null || field === undefined) throw invalidArgument('Empty field filter.');
      const op = FIELD_OPERATORS[field.op];
      if (op === undefined) throw invalidArgument(`Invalid field filter operator (${field.op}).`);
      const path = fieldReference(field.field, 'a field filter');
      if (field.value === null)
        throw invalidArgument(`The ${op} filter on "${formatFieldPath(path)}" has no value.`);
      const value = decodeValue(field.value, db);
      validateFieldFilterValue(path, op, value);
      return { kind: 'field', path, op, value };
    }
    case 'unaryFilter': {
      const unary = proto.unaryFilter;
      if (unary === null || unary === undefined) throw invalidArgument('Empty unary filter.');
      const op = UNARY_OPERATORS[unary.op];
      if (op === undefined) throw invalidArgument(`Invalid unary filter operator (${unary.op}).`);
      const path = fieldReference(unary.field, 'a unary filter');
      if (isNamePath(path)) throw invalidArgument(`A ${op} filter cannot be applied to __name__.`);
      return { kind: 'unary', path, op };
    }
    default:
      throw invalidArgument('A filter must be a composite, field or unary filter (it was empty).');
  }
}

function validateFieldFilterValue(path: FieldPath, op: FieldOperator, value: Value): void {
  const field = formatFieldPath(path);
  if (op === 'IN' || op === 'NOT_IN' || op === 'ARRAY_CONTAINS_ANY') {
    if (value.type !== 'array' || value.values.length === 0) {
      throw invalidArgument(`A ${op} filter on "${field}" requires a non-empty array value.`);
    }
    if (op === 'NOT_IN' && value.values.length > MAX_NOT_IN_VALUES) {
      throw invalidArgument(
        `A NOT_IN filter supports up to ${MAX_NOT_IN_VALUES} values (got ${value.values.length}).`,
      );
    }
    if (op !== 'NOT_IN' && value.values.length > MAX_DISJUNCTIONS) {
      throw invalidArgument(
        `An ${op} filter supports up to ${MAX_DISJUNCTIONS} values (got ${value.values.length}).`,
      );
    }
  }
  if (isNamePath(path)) {
    if (op === 'ARRAY_CONTAINS' || op === 'ARRAY_CONTAINS_ANY') {
      throw invalidArgument(`Invalid query: ${op} cannot be used on __name__.`);
    }
    const values = value.type === 'array' && (op === 'IN' || op === 'NOT_IN') ? value.values : [value];
    for (const item of values) {
      if (item.type !== 'reference') {
        throw invalidArgument(`A filter on __name__ must use document reference values (got ${item.type}).`);
      }
    }
  }
}

function flatten(filter: Filter, out: Extract<Filter, { kind: 'field' | 'unary' }>[] = []): typeof out {
  if (filter.kind === 'field' || filter.kind === 'unary') out.push(filter);
  else for (const child of filter.filters) flatten(child, out);
  return out;
}

/** The operator combinations Firestore rejects. */
function validateFilterCombination(filter: Filter): void {
  const leaves = flatten(filter);
  const count = (op: string) => leaves.filter((leaf) => leaf.op === op).length;
  const notIn = count('NOT_IN');
  const notEqualLike = count('NOT_EQUAL') + count('IS_NOT_NULL') + count('IS_NOT_NAN');
  if (notIn > 1) throw invalidArgument('A query can have at most one NOT_IN filter.');
  if (notIn > 0) {
    if (notEqualLike > 0)
      throw invalidArgument('NOT_IN cannot be combined with NOT_EQUAL, IS_NOT_NULL or IS_NOT_NAN filters.');
    if (count('IN') > 0 || count('ARRAY_CONTAINS_ANY') > 0) {
      throw invalidArgument('NOT_IN cannot be combined with IN or ARRAY_CONTAINS_ANY filters.');
    }
    if (containsOr(filter)) throw invalidArgument('NOT_IN cannot be used in a query with an OR filter.');
  }
  const conjunctions = disjunctiveNormalForm(filter);
  for (const conjunction of conjunctions) {
    const arrayFilters = conjunction.filter(
      (leaf) => leaf.op === 'ARRAY_CONTAINS' || leaf.op === 'ARRAY_CONTAINS_ANY',
    );
    if (arrayFilters.length > 1) {
      throw invalidArgument(
        'A query can have at most one ARRAY_CONTAINS or ARRAY_CONTAINS_ANY filter per disjunction.',
      );
    }
  }
}

function containsOr(filter: Filter): boolean {
  if (filter.kind === 'or') return filter.filters.length > 1 || filter.filters.some(containsOr);
  if (filter.kind === 'and') return filter.filters.some(containsOr);
  return false;
}

type Leaf = Extract<Filter, { kind: 'field' | 'unary' }>;

/** Expands to disjunctive normal form (IN and ARRAY_CONTAINS_ANY count as one term per value). */
function disjunctiveNormalForm(filter: Filter): Leaf[][] {
  const tooMany = () =>
    invalidArgument(`The query has more than ${MAX_DISJUNCTIONS} disjunctions in disjunctive normal form.`);
  const expand = (node: Filter): Leaf[][] => {
    if (node.kind === 'field' || node.kind === 'unary') {
      const terms =
        node.kind === 'field' &&
        (node.op === 'IN' || node.op === 'ARRAY_CONTAINS_ANY') &&
        node.value.type === 'array'
          ? node.value.values.length
          : 1;
      if (terms > MAX_DISJUNCTIONS) throw tooMany();
      return Array.from({ length: terms }, () => [node]);
    }
    if (node.kind === 'or') {
      const out: Leaf[][] = [];
      for (const child of node.filters) {
        out.push(...expand(child));
        if (out.length > MAX_DISJUNCTIONS) throw tooMany();
      }
      return out;
    }
    let product: Leaf[][] = [[]];
    for (const child of node.filters) {
      const terms = expand(child);
      if (product.length * terms.length > MAX_DISJUNCTIONS) throw tooMany();
      product = product.flatMap((left) => terms.map((right) => [...left, ...right]));
    }
    return product;
  };
  return expand(filter);
}

function normalizeOrders(protos: StructuredQueryProto['orderBy'], filter: Filter | undefined): Order[] {
  const orders: Order[] = [];
  const seen = new Set<string>();
  for (const proto of protos) {
    const path = fieldReference(proto.field, 'order_by');
    const key = formatFieldPath(path);
    if (seen.has(key)) throw invalidArgument(`order_by contains the field "${key}" more than once.`);
    seen.add(key);
    if (proto.direction !== 0 && proto.direction !== 1 && proto.direction !== 2) {
      throw invalidArgument(`Invalid order_by direction (${proto.direction}).`);
    }
    orders.push({ path, isName: isNamePath(path), descending: proto.direction === 2 });
  }
  const descending = orders[orders.length - 1]?.descending ?? false;
  if (filter !== undefined) {
    const inequalityPaths = flatten(filter)
      .filter((leaf) => INEQUALITY.has(leaf.op) && !isNamePath(leaf.path))
      .map((leaf) => leaf.path)
      .sort(compareFieldPaths);
    for (const path of inequalityPaths) {
      const key = formatFieldPath(path);
      if (seen.has(key)) continue;
      seen.add(key);
      orders.push({ path, isName: false, descending });
    }
  }
  if (!seen.has('__name__')) orders.push({ path: ['__name__'], isName: true, descending });
  return orders;
}

function parseBound(proto: CursorProto, orders: readonly Order[], db: DatabaseName, what: string): Bound {
  if (proto.values.length === 0) throw invalidArgument(`The ${what} cursor has no values.`);
  if (proto.values.length > orders.length) {
    throw invalidArgument(
      `Too many cursor values specified in ${what}: ${proto.values.length} values for ${orders.length} ` +
        'order-by clauses (including the implicit ones). The values must match the orderBy() constraints of the query.',
    );
  }
  const values = proto.values.map((value, i) => {
    const decoded = decodeValue(value, db);
    if (orders[i]?.isName === true && decoded.type !== 'reference') {
      throw invalidArgument(
        `The ${what} cursor value for __name__ must be a document reference (got ${decoded.type}).`,
      );
    }
    return decoded;
  });
  return { values, before: proto.before };
}
