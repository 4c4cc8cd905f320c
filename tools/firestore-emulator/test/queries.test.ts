import {
  FieldPath,
  Filter,
  GeoPoint,
  Timestamp,
  type CollectionReference,
  type Query,
} from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall } from './helpers/raw-grpc.js';

const project = useProject('queries');
afterAll(() => closeRawClient());

const ids = async (query: Query) => (await query.get()).docs.map((doc) => doc.id);

/** Ids from a RunQuery sent as-is, for filters the SDK refuses to build. */
async function rawIds(structuredQuery: Record<string, unknown>): Promise<string[]> {
  const outcome = await rawCall('RunQuery', {
    parent: `${databasePath(project.projectId)}/documents`,
    structuredQuery,
  });
  if (!outcome.ok) throw new Error(`RunQuery failed: ${outcome.code} ${outcome.details}`);
  return outcome.responses.flatMap((response) => {
    const document = response['document'] as { name: string } | undefined;
    return document === undefined ? [] : [document.name.slice(document.name.lastIndexOf('/') + 1)];
  });
}

async function seed(
  collection: CollectionReference,
  docs: Record<string, Record<string, unknown>>,
): Promise<void> {
  const batch = project.db.batch();
  for (const [id, data] of Object.entries(docs)) batch.set(collection.doc(id), data);
  await batch.commit();
}

describe('queries: field filters', () => {
  let c: CollectionReference;
  beforeAll(async () => {
    c = project.db.collection(unique('filters'));
    await seed(c, {
      a: { n: 1, s: 'apple', tags: ['red', 'fruit'], flag: true },
      b: { n: 2, s: 'banana', tags: ['yellow', 'fruit'], flag: false },
      c: { n: 3, s: 'cherry', tags: ['red'], nullable: null },
      d: { n: 4.5, s: 'date', tags: [], nullable: 'set' },
      e: { n: 'five', s: 'elder' },
      f: { s: 'fig', n: null },
      g: { n: NaN, s: 'grape' },
      h: { n: 2.0, s: 'honeydew', tags: [{ kind: 'map' }] },
    });
  });

  it('== matches equal values only', async () => {
    expect(await ids(c.where('s', '==', 'cherry'))).toEqual(['c']);
  });

  it('== treats integers and doubles numerically (2 == 2.0)', async () => {
    expect(await ids(c.where('n', '==', 2))).toEqual(['b', 'h']);
  });

  it('< <= > >= compare within the value type only, and never match NaN', async () => {
    expect(await ids(c.where('n', '>', 1))).toEqual(['b', 'h', 'c', 'd']);
    expect(await ids(c.where('n', '>=', 2))).toEqual(['b', 'h', 'c', 'd']);
    expect(await ids(c.where('n', '<', 3))).toEqual(['a', 'b', 'h']);
    expect(await ids(c.where('n', '<=', 1))).toEqual(['a']);
    expect(await ids(c.where('s', '>=', 'd'))).toEqual(['d', 'e', 'f', 'g', 'h']);
  });

  it('NaN, though ordered before every number, is not below -Infinity for a range filter', async () => {
    expect(await ids(c.where('n', '<=', -Infinity))).toEqual([]);
    expect(await ids(c.where('n', '<', Infinity))).toEqual(['a', 'b', 'h', 'c', 'd']);
    expect(await ids(c.where('n', '>=', -Infinity).where('n', '<', 2))).toEqual(['a']);
  });

  it('range filters with a NaN operand match nothing; == NaN and in [NaN] find NaN', async () => {
    const raw = (op: string, value: Record<string, unknown>) =>
      rawIds({
        from: [{ collectionId: c.id }],
        where: { fieldFilter: { field: { fieldPath: 'n' }, op, value } },
      });
    for (const op of ['LESS_THAN', 'LESS_THAN_OR_EQUAL', 'GREATER_THAN', 'GREATER_THAN_OR_EQUAL']) {
      expect(await raw(op, { doubleValue: NaN })).toEqual([]);
    }
    expect(await raw('EQUAL', { doubleValue: NaN })).toEqual(['g']);
    expect(await ids(c.where('n', 'in', [NaN, 3]))).toEqual(['c', 'g']);
  });

  it('!= excludes documents with null or no value for the field', async () => {
    expect(await ids(c.where('n', '!=', 2))).toEqual(['g', 'a', 'c', 'd', 'e']);
  });

  it('in matches any listed value', async () => {
    expect(await ids(c.where('s', 'in', ['apple', 'date', 'nope']))).toEqual(['a', 'd']);
  });

  it('not-in excludes listed values, nulls and missing fields', async () => {
    expect(await ids(c.where('n', 'not-in', [1, 'five']))).toEqual(['g', 'b', 'h', 'c', 'd']);
  });

  it('array-contains and array-contains-any', async () => {
    expect(await ids(c.where('tags', 'array-contains', 'red'))).toEqual(['a', 'c']);
    expect(await ids(c.where('tags', 'array-contains-any', ['yellow', 'red']))).toEqual(['a', 'b', 'c']);
    expect(await ids(c.where('tags', 'array-contains', { kind: 'map' }))).toEqual(['h']);
  });

  it('== null / != null', async () => {
    expect(await ids(c.where('nullable', '==', null))).toEqual(['c']);
    expect(await ids(c.where('nullable', '!=', null))).toEqual(['d']);
    expect(await ids(c.where('n', '==', null))).toEqual(['f']);
  });

  it('== NaN / != NaN', async () => {
    expect(await ids(c.where('n', '==', NaN))).toEqual(['g']);
    expect(await ids(c.where('n', '!=', NaN))).toEqual(['a', 'b', 'h', 'c', 'd', 'e']);
  });

  it('filters on booleans', async () => {
    expect(await ids(c.where('flag', '==', false))).toEqual(['b']);
  });

  it('AND of filters on different fields', async () => {
    expect(await ids(c.where('tags', 'array-contains', 'fruit').where('n', '>', 1))).toEqual(['b']);
  });

  it('OR composite filters', async () => {
    const query = c.where(Filter.or(Filter.where('s', '==', 'apple'), Filter.where('n', '==', 3)));
    expect(await ids(query)).toEqual(['a', 'c']);
  });

  it('OR of ANDs', async () => {
    const query = c.where(
      Filter.or(
        Filter.and(Filter.where('tags', 'array-contains', 'fruit'), Filter.where('flag', '==', true)),
        Filter.and(Filter.where('n', '>=', 4), Filter.where('n', '<', 5)),
      ),
    );
    expect(await ids(query)).toEqual(['a', 'd']);
  });

  it('inequalities on two fields', async () => {
    const query = c.where('n', '>=', 2).where('s', '<', 'd');
    expect(await ids(query)).toEqual(['b', 'c']);
  });

  it('filters on __name__ with document ids', async () => {
    expect(await ids(c.where(FieldPath.documentId(), '==', 'c'))).toEqual(['c']);
    expect(await ids(c.where(FieldPath.documentId(), 'in', ['a', 'e', 'zzz']))).toEqual(['a', 'e']);
    expect(await ids(c.where(FieldPath.documentId(), '>', 'f'))).toEqual(['g', 'h']);
  });
});

describe('queries: nested and special field paths', () => {
  let c: CollectionReference;
  beforeAll(async () => {
    c = project.db.collection(unique('paths'));
    await seed(c, {
      one: { m: { depth: { v: 1 } }, by: { 'GET /v1/forecast': 10, 'a.b': 'dot' } },
      two: { m: { depth: { v: 2 } }, by: { 'GET /v1/forecast': 20 } },
      three: { m: { depth: 'flat' } },
    });
  });

  it('filters and orders on nested fields', async () => {
    expect(await ids(c.where('m.depth.v', '>', 0).orderBy('m.depth.v', 'desc'))).toEqual(['two', 'one']);
  });

  it('filters on keys with spaces, slashes and dots through FieldPath', async () => {
    expect(await ids(c.where(new FieldPath('by', 'GET /v1/forecast'), '>=', 15))).toEqual(['two']);
    expect(await ids(c.where(new FieldPath('by', 'a.b'), '==', 'dot'))).toEqual(['one']);
  });
});

describe('queries: ordering', () => {
  it('orders ascending and descending with __name__ as the tie-breaker', async () => {
    const c = project.db.collection(unique('order'));
    await seed(c, { b: { v: 1 }, a: { v: 1 }, c: { v: 0 }, d: { v: 2 } });
    expect(await ids(c.orderBy('v'))).toEqual(['c', 'a', 'b', 'd']);
    expect(await ids(c.orderBy('v', 'desc'))).toEqual(['d', 'b', 'a', 'c']);
  });

  it('excludes documents that lack an orderBy field', async () => {
    const c = project.db.collection(unique('order'));
    await seed(c, { a: { v: 2 }, b: { other: 1 }, c: { v: null }, d: { v: 1 } });
    expect(await ids(c.orderBy('v'))).toEqual(['c', 'd', 'a']);
  });

  it('orders by several fields', async () => {
    const c = project.db.collection(unique('order'));
    await seed(c, { a: { x: 1, y: 2 }, b: { x: 1, y: 1 }, c: { x: 0, y: 9 }, d: { x: 1, y: 1 } });
    expect(await ids(c.orderBy('x', 'desc').orderBy('y'))).toEqual(['b', 'd', 'a', 'c']);
  });

  it('orders by document id descending', async () => {
    const c = project.db.collection(unique('order'));
    await seed(c, { m: {}, a: {}, z: {} });
    expect(await ids(c.orderBy(FieldPath.documentId(), 'desc'))).toEqual(['z', 'm', 'a']);
  });

  it('orders values of different types in Firestore type order', async () => {
    const c = project.db.collection(unique('types'));
    const other = project.db.collection('refs');
    await seed(c, {
      map2: { v: { b: 1 } },
      map1: { v: { a: 2 } },
      arr2: { v: [1, 3] },
      arr1: { v: [1, 2, 9] },
      arr0: { v: [] },
      geo2: { v: new GeoPoint(10, 5) },
      geo1: { v: new GeoPoint(-10, 50) },
      ref2: { v: other.doc('b') },
      ref1: { v: other.doc('a') },
      bytes2: { v: Buffer.from([2]) },
      bytes1: { v: Buffer.from([1, 255]) },
      str2: { v: 'b' },
      str1: { v: 'B' },
      ts2: { v: new Timestamp(100, 2) },
      ts1: { v: new Timestamp(100, 1) },
      num3: { v: 10 },
      num2: { v: 2.5 },
      num1: { v: -Infinity },
      nan: { v: NaN },
      bool2: { v: true },
      bool1: { v: false },
      null: { v: null },
    });
    expect(await ids(c.orderBy('v'))).toEqual([
      'null',
      'bool1',
      'bool2',
      'nan',
      'num1',
      'num2',
      'num3',
      'ts1',
      'ts2',
      'str1',
      'str2',
      'bytes1',
      'bytes2',
      'ref1',
      'ref2',
      'geo1',
      'geo2',
      'arr0',
      'arr1',
      'arr2',
      'map1',
      'map2',
    ]);
  });

  it('compares integers and doubles numerically, exactly', async () => {
    const db = project.client();
    db.settings({ useBigInt: true });
    const c = db.collection(unique('numbers'));
    const batch = db.batch();
    const values: Record<string, unknown> = {
      a: -1.5,
      b: -1n,
      c: 0n,
      d: 0.5,
      e: 1n,
      f: 9007199254740992,
      g: 9007199254740993n,
      h: 9223372036854775807n,
      i: 1e300,
    };
    for (const [id, v] of Object.entries(values)) batch.set(c.doc(id), { v });
    await batch.commit();
    expect(await ids(c.orderBy('v'))).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']);
    expect(await ids(c.where('v', '>', 9007199254740992))).toEqual(['g', 'h', 'i']);
  });

  it('orders strings by UTF-8 bytes, not UTF-16 code units', async () => {
    const c = project.db.collection(unique('strings'));
    await seed(c, {
      emoji: { v: '😀' },
      replacement: { v: '\uFFFD' },
      ascii: { v: 'z' },
      accent: { v: 'é' },
    });
    expect(await ids(c.orderBy('v'))).toEqual(['ascii', 'accent', 'replacement', 'emoji']);
  });

  it('orders maps key by key, then by value', async () => {
    const c = project.db.collection(unique('maps'));
    await seed(c, {
      x: { v: { a: 1, c: 0 } },
      y: { v: { a: 1, b: 5 } },
      z: { v: { a: 0, z: 9 } },
      w: { v: { a: 1 } },
    });
    expect(await ids(c.orderBy('v'))).toEqual(['z', 'w', 'y', 'x']);
  });

  it('orders document ids segment by segment in collection group queries', async () => {
    const group = unique('grouporder');
    await project.db.doc(`a/x/${group}/2`).set({});
    await project.db.doc(`a-/x/${group}/1`).set({});
    await project.db.doc(`a/x/${group}/1`).set({});
    const snapshot = await project.db.collectionGroup(group).get();
    expect(snapshot.docs.map((doc) => doc.ref.path)).toEqual([
      `a/x/${group}/1`,
      `a/x/${group}/2`,
      `a-/x/${group}/1`,
    ]);
  });
});

describe('queries: numeric document ids (__id<n>__)', () => {
  let c: CollectionReference;
  beforeAll(async () => {
    c = project.db.collection(unique('numeric'));
    await seed(c, {
      b: { v: 'b' },
      __id10__: { v: 10 },
      A: { v: 'A' },
      __id9223372036854775807__: { v: 'max' },
      '0': { v: '0' },
      __id2__: { v: 2 },
    });
  });

  it('are documents like any other', async () => {
    expect((await c.doc('__id10__').get()).data()).toEqual({ v: 10 });
    await c.doc('__id10__').update({ w: true });
    expect((await c.doc('__id10__').get()).data()).toEqual({ v: 10, w: true });
  });

  it('order before string ids, and among themselves by their integer value', async () => {
    const order = ['__id2__', '__id10__', '__id9223372036854775807__', '0', 'A', 'b'];
    expect(await ids(c)).toEqual(order);
    expect(await ids(c.orderBy(FieldPath.documentId(), 'desc'))).toEqual([...order].reverse());
  });

  it('work in __name__ filters and cursors', async () => {
    expect(await ids(c.where(FieldPath.documentId(), '<', '0'))).toEqual([
      '__id2__',
      '__id10__',
      '__id9223372036854775807__',
    ]);
    expect(await ids(c.where(FieldPath.documentId(), '>', '__id2__').limit(2))).toEqual([
      '__id10__',
      '__id9223372036854775807__',
    ]);
    expect(await ids(c.orderBy(FieldPath.documentId()).startAfter('__id10__').endAt('0'))).toEqual([
      '__id9223372036854775807__',
      '0',
    ]);
    expect(await ids(c.where(FieldPath.documentId(), '>=', '__id-9223372036854775808__'))).toHaveLength(6);
  });

  it('order document references by their integer value too', async () => {
    const refs = project.db.collection(unique('numericrefs'));
    await seed(refs, {
      x: { r: c.doc('A') },
      y: { r: c.doc('__id10__') },
      z: { r: c.doc('__id2__') },
    });
    expect(await ids(refs.orderBy('r'))).toEqual(['z', 'y', 'x']);
    expect(await ids(refs.where('r', '<', c.doc('A')))).toEqual(['z', 'y']);
  });
});

describe('queries: limit, offset, limitToLast, select', () => {
  let c: CollectionReference;
  beforeAll(async () => {
    c = project.db.collection(unique('limits'));
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 10; i++) docs[`d${i}`] = { i, even: i % 2 === 0, extra: { nested: i } };
    await seed(c, docs);
  });

  it('limit', async () => {
    expect(await ids(c.orderBy('i').limit(3))).toEqual(['d0', 'd1', 'd2']);
  });

  it('offset', async () => {
    expect(await ids(c.orderBy('i').offset(7))).toEqual(['d7', 'd8', 'd9']);
  });

  it('offset with limit', async () => {
    expect(await ids(c.orderBy('i', 'desc').offset(2).limit(2))).toEqual(['d7', 'd6']);
  });

  it('limitToLast returns the last documents in query order', async () => {
    expect(await ids(c.orderBy('i').limitToLast(3))).toEqual(['d7', 'd8', 'd9']);
    expect(await ids(c.where('even', '==', true).orderBy('i', 'desc').limitToLast(2))).toEqual(['d2', 'd0']);
  });

  it('select returns only the selected fields', async () => {
    const snapshot = await c.where('i', '==', 4).select('i', 'extra.nested').get();
    expect(snapshot.docs[0]?.data()).toEqual({ i: 4, extra: { nested: 4 } });
  });

  it('select() with no fields returns documents without data', async () => {
    const snapshot = await c.orderBy('i').limit(2).select().get();
    expect(snapshot.docs.map((doc) => [doc.id, doc.data()])).toEqual([
      ['d0', {}],
      ['d1', {}],
    ]);
  });

  it('an empty result still has a read time', async () => {
    const snapshot = await c.where('i', '>', 100).get();
    expect(snapshot.empty).toBe(true);
    expect(snapshot.readTime.toMillis()).toBeGreaterThan(0);
  });
});

describe('queries: cursors', () => {
  let c: CollectionReference;
  beforeAll(async () => {
    c = project.db.collection(unique('cursors'));
    await seed(c, {
      a: { g: 1, v: 10 },
      b: { g: 1, v: 20 },
      c: { g: 2, v: 10 },
      d: { g: 2, v: 20 },
      e: { g: 3, v: 10 },
    });
  });

  it('startAt / startAfter / endAt / endBefore on a field', async () => {
    expect(await ids(c.orderBy('g').startAt(2))).toEqual(['c', 'd', 'e']);
    expect(await ids(c.orderBy('g').startAfter(2))).toEqual(['e']);
    expect(await ids(c.orderBy('g').endAt(2))).toEqual(['a', 'b', 'c', 'd']);
    expect(await ids(c.orderBy('g').endBefore(2))).toEqual(['a', 'b']);
  });

  it('cursors over several fields', async () => {
    expect(await ids(c.orderBy('g').orderBy('v').startAfter(1, 20).endAt(2, 20))).toEqual(['c', 'd']);
  });

  it('a partial cursor compares only its own fields', async () => {
    expect(await ids(c.orderBy('g').orderBy('v', 'desc').startAt(2))).toEqual(['d', 'c', 'e']);
  });

  it('cursors on document snapshots use the implicit __name__ order', async () => {
    const snapshot = await c.doc('b').get();
    expect(await ids(c.orderBy('v').startAfter(snapshot))).toEqual(['d']);
    expect(await ids(c.orderBy('v').endBefore(snapshot))).toEqual(['a', 'c', 'e']);
  });

  it('cursors on __name__', async () => {
    expect(await ids(c.orderBy(FieldPath.documentId()).startAfter('b').endAt('d'))).toEqual(['c', 'd']);
  });

  it('descending cursors', async () => {
    expect(await ids(c.orderBy('g', 'desc').startAt(2).endBefore(1))).toEqual(['d', 'c']);
  });

  it('a cursor-paginated walk over 1,000 documents returns each exactly once, in order', async () => {
    const big = project.db.collection(unique('walk'));
    const writer = project.db.bulkWriter();
    for (let i = 0; i < 1000; i++) {
      void writer.set(big.doc(`doc${String(i).padStart(4, '0')}`), { bucket: i % 7, i });
    }
    await writer.close();
    const seen: number[] = [];
    let query = big.orderBy('bucket').orderBy('i', 'desc').limit(37);
    for (;;) {
      const page = await query.get();
      if (page.empty) break;
      for (const doc of page.docs) seen.push(doc.get('i') as number);
      const last = page.docs[page.docs.length - 1];
      if (last === undefined) break;
      query = big.orderBy('bucket').orderBy('i', 'desc').startAfter(last).limit(37);
    }
    const expected = Array.from({ length: 1000 }, (_, i) => i).sort((x, y) => (x % 7) - (y % 7) || y - x);
    expect(seen).toHaveLength(1000);
    expect(new Set(seen).size).toBe(1000);
    expect(seen).toEqual(expected);
  });

  it('paginates by document id alone', async () => {
    const seen: string[] = [];
    let query = c.orderBy(FieldPath.documentId()).limit(2);
    for (;;) {
      const page = await query.get();
      if (page.empty) break;
      seen.push(...page.docs.map((doc) => doc.id));
      query = c
        .orderBy(FieldPath.documentId())
        .startAfter(page.docs[page.docs.length - 1]?.id ?? '')
        .limit(2);
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('queries: collection groups', () => {
  const group = unique('group');
  beforeAll(async () => {
    const batch = project.db.batch();
    batch.set(project.db.doc(`users/u1/${group}/k1`), { owner: 'u1', n: 3 });
    batch.set(project.db.doc(`users/u1/${group}/k2`), { owner: 'u1', n: 1 });
    batch.set(project.db.doc(`users/u2/${group}/k3`), { owner: 'u2', n: 2 });
    batch.set(project.db.doc(`${group}/top`), { owner: 'root', n: 0 });
    batch.set(project.db.doc(`orgs/o1/teams/t1/${group}/k4`), { owner: 'o1', n: 5 });
    batch.set(project.db.doc(`users/u1/not-${group}/x`), { owner: 'u1', n: 9 });
    await batch.commit();
  });

  it('reads every collection with the id, at any depth', async () => {
    const snapshot = await project.db.collectionGroup(group).get();
    expect(snapshot.docs.map((doc) => doc.ref.path).sort()).toEqual(
      [
        `${group}/top`,
        `orgs/o1/teams/t1/${group}/k4`,
        `users/u1/${group}/k1`,
        `users/u1/${group}/k2`,
        `users/u2/${group}/k3`,
      ].sort(),
    );
  });

  it('filters and orders across collections', async () => {
    const snapshot = await project.db.collectionGroup(group).where('n', '>=', 1).orderBy('n').get();
    expect(snapshot.docs.map((doc) => doc.id)).toEqual(['k2', 'k3', 'k1', 'k4']);
  });

  it('can be restricted to one parent with __name__ bounds', async () => {
    const snapshot = await project.db
      .collectionGroup(group)
      .orderBy(FieldPath.documentId())
      .startAt('users/u1')
      .endAt('users/u1\uf8ff')
      .get();
    expect(snapshot.docs.map((doc) => doc.id)).toEqual(['k1', 'k2']);
  });

  it('a collection query does not see other collections with the same id', async () => {
    expect(await ids(project.db.collection(`users/u1/${group}`))).toEqual(['k1', 'k2']);
  });
});

describe('queries: partitions', () => {
  it('getPartitions splits a collection group into ranges covering each document once', async () => {
    const group = unique('parts');
    const writer = project.db.bulkWriter();
    for (let i = 0; i < 60; i++)
      void writer.set(project.db.doc(`p${i % 3}/x/${group}/d${String(i).padStart(2, '0')}`), { i });
    await writer.close();
    const seen: number[] = [];
    let partitions = 0;
    for await (const partition of project.db.collectionGroup(group).getPartitions(4)) {
      partitions++;
      const snapshot = await partition.toQuery().get();
      seen.push(...snapshot.docs.map((doc) => doc.get('i') as number));
    }
    expect(partitions).toBeGreaterThan(1);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});

describe('queries: consistency', () => {
  it('a query sees a write acknowledged before it', async () => {
    const c = project.db.collection(unique('consistency'));
    for (let i = 0; i < 5; i++) {
      await c.doc(`d${i}`).set({ i });
      expect((await c.get()).size).toBe(i + 1);
    }
  });

  it('a query at a past read time sees the data as it was', async () => {
    const c = project.db.collection(unique('readtime'));
    await c.doc('a').set({ v: 1 });
    const past = (await c.doc('a').get()).readTime;
    await c.doc('a').update({ v: 2 });
    await c.doc('b').set({ v: 3 });
    const old = await project.db.runTransaction((tx) => tx.get(c.orderBy('v')), {
      readOnly: true,
      readTime: past,
    });
    expect(old.docs.map((doc) => [doc.id, doc.get('v')])).toEqual([['a', 1]]);
    const now = await c.orderBy('v').get();
    expect(now.docs.map((doc) => [doc.id, doc.get('v')])).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
  });

  it('a deleted document disappears from results', async () => {
    const c = project.db.collection(unique('deleted'));
    await seed(c, { a: { v: 1 }, b: { v: 2 } });
    await c.doc('a').delete();
    expect(await ids(c.orderBy('v'))).toEqual(['b']);
  });

  it('query streams deliver the same documents as get', async () => {
    const c = project.db.collection(unique('stream'));
    await seed(c, { a: { v: 2 }, b: { v: 1 } });
    const streamed: string[] = [];
    for await (const doc of c.orderBy('v').stream()) streamed.push((doc as unknown as { id: string }).id);
    expect(streamed).toEqual(['b', 'a']);
  });
});
