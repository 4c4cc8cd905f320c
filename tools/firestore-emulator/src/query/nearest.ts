import { getField, setField } from '../field-path.js';
import type { LiveDocument } from '../store/document.js';
import { vectorElements, type Value } from '../values.js';
import type { DistanceMeasure, FindNearest } from './model.js';

/** The numbers of a vector value (`{__type__: "__vector__", value: [...]}`), or undefined. */
export function vectorOf(value: Value | undefined): number[] | undefined {
  if (value?.type !== 'map') return undefined;
  const elements = vectorElements(value.fields);
  if (elements === undefined) return undefined;
  const out = new Array<number>(elements.length);
  for (let i = 0; i < elements.length; i++) {
    const element = elements[i];
    if (element?.type === 'double') out[i] = element.value;
    else if (element?.type === 'integer') out[i] = Number(element.value);
    else return undefined;
  }
  return out;
}

export function vectorDistance(measure: DistanceMeasure, a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let squaredA = 0;
  let squaredB = 0;
  let squaredDifference = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    squaredA += x * x;
    squaredB += y * y;
    squaredDifference += (x - y) * (x - y);
  }
  switch (measure) {
    case 'EUCLIDEAN':
      return Math.sqrt(squaredDifference);
    case 'DOT_PRODUCT':
      return dot;
    case 'COSINE':
      // One square root of the product keeps exact cases exact (cos = 1 for parallel vectors).
      // A zero vector has no direction: the distance is NaN and the document is skipped.
      return 1 - dot / Math.sqrt(squaredA * squaredB);
  }
}

/** Whether distance `a` is nearer than `b`: DOT_PRODUCT grows with similarity, the others shrink. */
function nearer(measure: DistanceMeasure, a: number, b: number): number {
  if (a === b) return 0;
  const ascending = a < b ? -1 : 1;
  return measure === 'DOT_PRODUCT' ? -ascending : ascending;
}

function withinThreshold(search: FindNearest, distance: number): boolean {
  if (search.threshold === undefined) return true;
  return search.measure === 'DOT_PRODUCT' ? distance >= search.threshold : distance <= search.threshold;
}

/**
 * Firestore's nearest-neighbour stage over a query's results: documents whose field holds a
 * vector of the query vector's dimension, within the threshold, nearest first (ties keep the
 * query's order), at most `limit` of them, with the distance written into `resultField` if asked.
 */
export function findNearest(documents: readonly LiveDocument[], search: FindNearest): LiveDocument[] {
  const scored: { doc: LiveDocument; distance: number }[] = [];
  for (const doc of documents) {
    const vector = vectorOf(getField(doc.fields, search.path));
    if (vector === undefined || vector.length !== search.vector.length) continue;
    const distance = vectorDistance(search.measure, vector, search.vector);
    if (Number.isNaN(distance) || !withinThreshold(search, distance)) continue;
    scored.push({ doc, distance });
  }
  scored.sort((a, b) => nearer(search.measure, a.distance, b.distance));
  const { resultField } = search;
  return scored
    .slice(0, search.limit)
    .map(({ doc, distance }) =>
      resultField === undefined
        ? doc
        : { ...doc, fields: setField(doc.fields, resultField, { type: 'double', value: distance }) },
    );
}
