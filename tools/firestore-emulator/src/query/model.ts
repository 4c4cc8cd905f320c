import type { FieldPath } from '../field-path.js';
import type { Value } from '../values.js';

export type FieldOperator =
  | 'LESS_THAN'
  | 'LESS_THAN_OR_EQUAL'
  | 'GREATER_THAN'
  | 'GREATER_THAN_OR_EQUAL'
  | 'EQUAL'
  | 'NOT_EQUAL'
  | 'ARRAY_CONTAINS'
  | 'IN'
  | 'ARRAY_CONTAINS_ANY'
  | 'NOT_IN';

export type UnaryOperator = 'IS_NAN' | 'IS_NULL' | 'IS_NOT_NAN' | 'IS_NOT_NULL';

export type Filter =
  | { readonly kind: 'field'; readonly path: FieldPath; readonly op: FieldOperator; readonly value: Value }
  | { readonly kind: 'unary'; readonly path: FieldPath; readonly op: UnaryOperator }
  | { readonly kind: 'and' | 'or'; readonly filters: readonly Filter[] };

export type DistanceMeasure = 'EUCLIDEAN' | 'COSINE' | 'DOT_PRODUCT';

/** A validated StructuredQuery.FindNearest. */
export interface FindNearest {
  readonly path: FieldPath;
  readonly vector: readonly number[];
  readonly measure: DistanceMeasure;
  readonly limit: number;
  readonly resultField: FieldPath | undefined;
  readonly threshold: number | undefined;
}

export interface Order {
  readonly path: FieldPath;
  readonly isName: boolean;
  readonly descending: boolean;
}

export interface Bound {
  readonly values: readonly Value[];
  /** For start_at: include documents equal to the bound; for end_at: exclude them. */
  readonly before: boolean;
}

/** A validated StructuredQuery with Firestore's implicit orderings made explicit. */
export interface Query {
  /** Parent document path ('' for the database root). */
  readonly parentPath: string;
  /** '' for a kindless all-descendants query. */
  readonly collectionId: string;
  readonly allDescendants: boolean;
  readonly filter: Filter | undefined;
  /** Explicit order-bys, then implicit inequality fields, then `__name__`. */
  readonly orders: readonly Order[];
  /**
   * Fields every result must have besides the ordered ones: an aggregation over several fields
   * sees only the documents that have all of them.
   */
  readonly requiredFields: readonly FieldPath[];
  readonly startAt: Bound | undefined;
  readonly endAt: Bound | undefined;
  readonly offset: number;
  readonly limit: number | undefined;
  readonly projection: readonly FieldPath[] | undefined;
  /** True when the results are ordered by `__name__` only. */
  readonly nameOrderOnly: boolean;
  /** Vector search over the results of everything else, which it reorders by distance. */
  readonly findNearest: FindNearest | undefined;
}
