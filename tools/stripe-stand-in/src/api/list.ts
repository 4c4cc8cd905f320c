import type { ListObject } from '../objects.js';
import { resourceMissing } from './errors.js';
import { type Params, readInteger, readString } from './params.js';

export const LIST_PAGINATION = ['limit', 'starting_after', 'ending_before'] as const;

/**
 * A page of `items` (newest first) as Stripe returns lists: `limit` 1–100 (default 10) and
 * cursor pagination by object id with `starting_after` / `ending_before`.
 */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  params: Params,
  url: string,
  kind: string,
): ListObject<T> {
  const limit = readInteger(params, 'limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = readString(params, 'starting_after');
  const endingBefore = readString(params, 'ending_before');
  let start = 0;
  let end = items.length;
  if (startingAfter !== undefined && startingAfter !== '') {
    const index = items.findIndex((item) => item.id === startingAfter);
    if (index === -1) throw resourceMissing(kind, startingAfter, 'starting_after');
    start = index + 1;
  } else if (endingBefore !== undefined && endingBefore !== '') {
    const index = items.findIndex((item) => item.id === endingBefore);
    if (index === -1) throw resourceMissing(kind, endingBefore, 'ending_before');
    end = index;
    start = Math.max(0, end - limit);
  }
  const page = items.slice(start, Math.min(end, start + limit));
  const hasMore =
    endingBefore !== undefined && endingBefore !== '' && startingAfter === undefined
      ? start > 0
      : start + limit < end;
  return { object: 'list', data: page, has_more: hasMore, url };
}

/** Newest first, the order of every Stripe list. */
export function newestFirst<T extends { created: number }>(values: Iterable<T>): T[] {
  // Insertion order breaks ties between objects created in the same second.
  return [...values]
    .map((value, index) => ({ value, index }))
    .sort((a, b) => b.value.created - a.value.created || b.index - a.index)
    .map(({ value }) => value);
}
