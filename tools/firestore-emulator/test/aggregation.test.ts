import { AggregateField, type CollectionReference, type Firestore } from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall } from './helpers/raw-grpc.js';

const project = useProject('aggregation');
afterAll(() => closeRawClient());

let db: Firestore;
beforeAll(() => {
  // With useBigInt, integer results come back as bigint and doubles as number: the type is visible.
  db = project.client();
  db.settings({ useBigInt: true });
});

async function seed(docs: Record<string, unknown>[]): Promise<CollectionReference> {
  const collection = db.collection(unique('agg'));
  const batch = db.batch();
  docs.forEach((data, i) => batch.set(collection.doc(`d${i}`), data as Record<string, unknown>));
  await batch.commit();
  return collection;
}

describe('aggregation: count', () => {
  it('counts all documents, matching documents, and nothing', async () => {
    const c = await seed([{ k: 1 }, { k: 2 }, { k: 2 }, { other: true }]);
    expect((await c.count().get()).data().count).toBe(4n);
    expect((await c.where('k', '==', 2).count().get()).data().count).toBe(2n);
    expect((await c.where('k', '==', 99).count().get()).data().count).toBe(0n);
  });

  it('respects limit and offset of the underlying query', async () => {
    const c = await seed(Array.from({ length: 10 }, (_, i) => ({ i })));
    expect((await c.orderBy('i').limit(3).count().get()).data().count).toBe(3n);
    expect((await c.orderBy('i').offset(8).count().get()).data().count).toBe(2n);
  });

  it('counts a collection group', async () => {
    const group = unique('aggroup');
    await db.doc(`a/1/${group}/x`).set({});
    await db.doc(`b/2/${group}/y`).set({});
    expect((await db.collectionGroup(group).count().get()).data().count).toBe(2n);
  });

  it('count up_to caps the result', async () => {
    const c = await seed(Array.from({ length: 5 }, (_, i) => ({ i })));
    const outcome = await rawCall('RunAggregationQuery', {
      parent: `${databasePath(project.projectId)}/documents`,
      structuredAggregationQuery: {
        structuredQuery: { from: [{ collectionId: c.id }] },
        aggregations: [{ alias: 'n', count: { upTo: { value: 3 } } }],
      },
    });
    expect(
      outcome.ok && (outcome.responses[0]?.['result'] as { aggregateFields: unknown }).aggregateFields,
    ).toEqual({ n: { integerValue: '3' } });
  });
});

describe('aggregation: sum', () => {
  it('sums integers to an integer', async () => {
    const c = await seed([{ v: 1n }, { v: 2n }, { v: 40n }]);
    expect((await c.aggregate({ s: AggregateField.sum('v') }).get()).data().s).toBe(43n);
  });

  it('sums to a double when any value is a double', async () => {
    const c = await seed([{ v: 1n }, { v: 2.5 }]);
    expect((await c.aggregate({ s: AggregateField.sum('v') }).get()).data().s).toBe(3.5);
  });

  it('switches to a double when the integer sum overflows int64', async () => {
    const c = await seed([{ v: 9223372036854775807n }, { v: 1n }]);
    expect((await c.aggregate({ s: AggregateField.sum('v') }).get()).data().s).toBe(9223372036854775808);
  });

  it('ignores missing and non-numeric values', async () => {
    const c = await seed([{ v: 5n }, { v: 'text' }, { v: null }, { v: [1] }, { other: 1n }]);
    expect((await c.aggregate({ s: AggregateField.sum('v') }).get()).data().s).toBe(5n);
  });

  it('is integer 0 when nothing numeric matched', async () => {
    const c = await seed([{ v: 'a' }]);
    expect((await c.aggregate({ s: AggregateField.sum('v') }).get()).data().s).toBe(0n);
  });

  it('is NaN when a NaN is summed', async () => {
    const c = await seed([{ v: 1n }, { v: NaN }]);
    expect((await c.aggregate({ s: AggregateField.sum('v') }).get()).data().s).toBeNaN();
  });

  it('sums only the documents the query matches', async () => {
    const c = await seed([
      { v: 1n, g: 'a' },
      { v: 10n, g: 'b' },
      { v: 100n, g: 'a' },
    ]);
    expect(
      (
        await c
          .where('g', '==', 'a')
          .aggregate({ s: AggregateField.sum('v') })
          .get()
      ).data().s,
    ).toBe(101n);
  });
});

describe('aggregation: average', () => {
  it('averages integers to a double', async () => {
    const c = await seed([{ v: 1n }, { v: 2n }]);
    expect((await c.aggregate({ a: AggregateField.average('v') }).get()).data().a).toBe(1.5);
  });

  it('is null when nothing numeric matched', async () => {
    const c = await seed([{ v: 'x' }, {}]);
    expect((await c.aggregate({ a: AggregateField.average('v') }).get()).data().a).toBeNull();
  });

  it('is NaN when a NaN is averaged', async () => {
    const c = await seed([{ v: 3n }, { v: NaN }]);
    expect((await c.aggregate({ a: AggregateField.average('v') }).get()).data().a).toBeNaN();
  });

  it('averages only numeric values', async () => {
    const c = await seed([{ v: 2n }, { v: 4.0 }, { v: true }, { v: 'nine' }]);
    expect((await c.aggregate({ a: AggregateField.average('v') }).get()).data().a).toBe(3);
  });
});

describe('aggregation: several at once', () => {
  it('computes count, sum and average in one query', async () => {
    const c = await seed([{ v: 1n }, { v: 2n }, { v: 6n }]);
    const result = (
      await c
        .aggregate({ n: AggregateField.count(), s: AggregateField.sum('v'), a: AggregateField.average('v') })
        .get()
    ).data();
    expect(result).toEqual({ n: 3n, s: 9n, a: 3 });
  });

  it('over several fields include only documents that have every aggregated field', async () => {
    const c = await seed([
      { pages: 100n, year: 1980n },
      { pages: 50n, year: 2020n },
      { pages: 150n, year: 2021n },
      { pages: 50n },
    ]);
    const result = (
      await c
        .aggregate({
          totalPages: AggregateField.sum('pages'),
          averagePages: AggregateField.average('pages'),
          averageYear: AggregateField.average('year'),
          count: AggregateField.count(),
        })
        .get()
    ).data();
    expect(result).toEqual({ totalPages: 300n, averagePages: 100, averageYear: 2007, count: 3n });
  });

  it('count next to a sum counts only documents that have the summed field, of any type', async () => {
    const c = await seed([{ v: 1n }, { v: 'text' }, { v: null }, { other: 1n }]);
    const result = (
      await c.aggregate({ n: AggregateField.count(), s: AggregateField.sum('v') }).get()
    ).data();
    expect(result).toEqual({ n: 3n, s: 1n });
    expect((await c.count().get()).data().count).toBe(4n);
  });

  it('a sum next to an average of another field skips documents lacking that field', async () => {
    const c = await seed([{ a: 1n, b: 10n }, { a: 2n }, { a: 4n, b: 'x' }, { b: 30n }]);
    const result = (
      await c.aggregate({ s: AggregateField.sum('a'), m: AggregateField.average('b') }).get()
    ).data();
    expect(result).toEqual({ s: 5n, m: 10 });
    expect((await c.aggregate({ s: AggregateField.sum('a') }).get()).data().s).toBe(7n);
  });

  it('the rule holds for nested field paths', async () => {
    const c = await seed([{ m: { x: 2n, y: 5n } }, { m: { x: 4n } }, { m: { y: 1n } }]);
    const result = (
      await c.aggregate({ x: AggregateField.sum('m.x'), y: AggregateField.sum('m.y') }).get()
    ).data();
    expect(result).toEqual({ x: 2n, y: 5n });
  });

  it('runs inside a transaction', async () => {
    const c = await seed([{ v: 1n }, { v: 2n }]);
    const count = await db.runTransaction(async (tx) => (await tx.get(c.count())).data().count);
    expect(count).toBe(2n);
  });
});
