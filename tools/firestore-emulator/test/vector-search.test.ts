import { FieldPath, FieldValue, type CollectionReference } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall, type RawOutcome } from './helpers/raw-grpc.js';

const project = useProject('vector-search');
afterAll(() => closeRawClient());

const INVALID_ARGUMENT = 3;

// firebase-admin/firestore does not re-export these types; they are what its methods return.
type VectorQuery = ReturnType<CollectionReference['findNearest']>;
type VectorQuerySnapshot = Awaited<ReturnType<VectorQuery['get']>>;
type VectorValue = ReturnType<typeof FieldValue.vector>;

async function seed(docs: Record<string, Record<string, unknown>>): Promise<CollectionReference> {
  const collection = project.db.collection(unique('vectors'));
  const batch = project.db.batch();
  for (const [id, data] of Object.entries(docs)) batch.set(collection.doc(id), data);
  await batch.commit();
  return collection;
}

const ids = (snapshot: VectorQuerySnapshot) => snapshot.docs.map((doc) => doc.id);
const vector = (...values: number[]) => FieldValue.vector(values);

/** [id, distance] of each result, for queries with distanceResultField 'distance'. */
const distances = (snapshot: VectorQuerySnapshot) =>
  snapshot.docs.map((doc) => [doc.id, doc.get('distance') as unknown]);

function expectInvalid(promise: Promise<unknown>): Promise<void> {
  return expect(promise).rejects.toMatchObject({ code: INVALID_ARGUMENT });
}

describe('vector search: distance measures', () => {
  const docs = {
    none: { foo: 'bar' },
    other: { foo: 'xxx', embedding: vector(10, 10) },
    small: { foo: 'bar', embedding: vector(1, 1) },
    x10: { foo: 'bar', embedding: vector(10, 0) },
    x20: { foo: 'bar', embedding: vector(20, 0) },
    big: { foo: 'bar', embedding: vector(100, 100) },
  };

  it('EUCLIDEAN: nearest first, after the where clause (a prefilter)', async () => {
    const c = await seed(docs);
    const query = c.where('foo', '==', 'bar').findNearest({
      vectorField: 'embedding',
      queryVector: [10, 10],
      limit: 3,
      distanceMeasure: 'EUCLIDEAN',
    });
    expect(ids(await query.get())).toEqual(['x10', 'small', 'x20']);
  });

  it('COSINE: by angle, whatever the magnitude', async () => {
    const c = await seed({
      left: { embedding: vector(-1, 0) },
      right: { embedding: vector(10, 0) },
      same: { embedding: vector(200, 400) },
      up: { embedding: vector(0, 3) },
      diagonal: { embedding: vector(0.5, 0.5) },
    });
    const query = c.findNearest({
      vectorField: 'embedding',
      queryVector: vector(1, 2),
      limit: 5,
      distanceMeasure: 'COSINE',
    });
    expect(ids(await query.get())).toEqual(['same', 'diagonal', 'up', 'right', 'left']);
  });

  it('DOT_PRODUCT: the largest product is the nearest', async () => {
    const c = await seed(docs);
    const query = c.where('foo', '==', 'bar').findNearest({
      vectorField: 'embedding',
      queryVector: [10, 10],
      limit: 3,
      distanceMeasure: 'DOT_PRODUCT',
    });
    expect(ids(await query.get())).toEqual(['big', 'x20', 'x10']);
  });
});

describe('vector search: distanceResultField', () => {
  const docs = {
    '1': { foo: 'bar' },
    '2': { foo: 'bar', embedding: vector(2, 0) },
    '3': { foo: 'bar', embedding: vector(1, 100) },
    '4': { foo: 'bar', embedding: vector(1, -0.1) },
    '5': { foo: 'bar', embedding: vector(4, 4) },
  };
  const search = (c: CollectionReference, distanceMeasure: 'EUCLIDEAN' | 'COSINE' | 'DOT_PRODUCT') =>
    c.findNearest({
      vectorField: 'embedding',
      queryVector: [1, 0],
      limit: 5,
      distanceMeasure,
      distanceResultField: 'distance',
    });

  it('returns the EUCLIDEAN distance in the named field', async () => {
    const c = await seed(docs);
    expect(distances(await search(c, 'EUCLIDEAN').get())).toEqual([
      ['4', 0.1],
      ['2', 1],
      ['5', 5],
      ['3', 100],
    ]);
  });

  it('returns the COSINE distance (1 - cosine similarity)', async () => {
    const c = await seed({
      same: { embedding: vector(3, 0) },
      orthogonal: { embedding: vector(0, -0.1) },
      opposite: { embedding: vector(-1, 0) },
    });
    expect(distances(await search(c, 'COSINE').get())).toEqual([
      ['same', 0],
      ['orthogonal', 1],
      ['opposite', 2],
    ]);
  });

  it('returns the DOT_PRODUCT, largest first', async () => {
    const c = await seed({ ...docs, '4': { embedding: vector(-20, 0) }, '5': { embedding: vector(0.1, 4) } });
    expect(distances(await search(c, 'DOT_PRODUCT').get())).toEqual([
      ['2', 2],
      ['3', 1],
      ['5', 0.1],
      ['4', -20],
    ]);
  });

  it('the distance is a double that replaces a field of the same name', async () => {
    const db = project.client();
    db.settings({ useBigInt: true });
    const c = db.collection(unique('vectors'));
    await c.doc('d').set({ embedding: vector(0, 2), distance: '100 miles' });
    const snapshot = await c
      .findNearest({
        vectorField: 'embedding',
        queryVector: [0, 1],
        limit: 1,
        distanceMeasure: 'EUCLIDEAN',
        distanceResultField: 'distance',
      })
      .get();
    // With useBigInt an integer would come back as a bigint: the number shows it is a double.
    expect(snapshot.docs[0]?.get('distance')).toBe(1);
    expect((await c.doc('d').get()).get('distance')).toBe('100 miles');
  });

  it('can be a nested field path', async () => {
    const c = await seed({ d: { embedding: vector(1, 2), meta: { keep: true } } });
    const snapshot = await c
      .findNearest({
        vectorField: 'embedding',
        queryVector: [1, 0],
        limit: 1,
        distanceMeasure: 'EUCLIDEAN',
        distanceResultField: new FieldPath('meta', 'distance'),
      })
      .get();
    expect(snapshot.docs[0]?.get('meta')).toEqual({ keep: true, distance: 2 });
  });

  it('in a select query, only when the distance field is selected too', async () => {
    const c = await seed(docs);
    const selected = (...fields: string[]) =>
      c
        .select(...fields)
        .findNearest({
          vectorField: 'embedding',
          queryVector: [1, 0],
          limit: 2,
          distanceMeasure: 'EUCLIDEAN',
          distanceResultField: 'distance',
        })
        .get();
    expect((await selected('foo', 'distance')).docs.map((doc) => doc.data())).toEqual([
      { foo: 'bar', distance: 0.1 },
      { foo: 'bar', distance: 1 },
    ]);
    expect((await selected('foo')).docs.map((doc) => doc.data())).toEqual([{ foo: 'bar' }, { foo: 'bar' }]);
  });
});

describe('vector search: distanceThreshold', () => {
  const docs = {
    '1': { foo: 'bar' },
    '2': { embedding: vector(2, 0) },
    '3': { embedding: vector(1, 100) },
    '4': { embedding: vector(1, -0.1) },
    '5': { embedding: vector(4, 4) },
  };
  const search = (
    c: CollectionReference,
    distanceMeasure: 'EUCLIDEAN' | 'COSINE' | 'DOT_PRODUCT',
    distanceThreshold: number,
    limit = 5,
  ): VectorQuery =>
    c.findNearest({
      vectorField: 'embedding',
      queryVector: [1, 0],
      limit,
      distanceMeasure,
      distanceThreshold,
    });

  it('EUCLIDEAN keeps distances <= the threshold (the bound included)', async () => {
    const c = await seed(docs);
    expect(ids(await search(c, 'EUCLIDEAN', 5).get())).toEqual(['4', '2', '5']);
    expect(ids(await search(c, 'EUCLIDEAN', 0.5).get())).toEqual(['4']);
  });

  it('COSINE keeps distances <= the threshold', async () => {
    const c = await seed({
      same: { embedding: vector(1, 0) },
      diagonal: { embedding: vector(1, 1) },
      orthogonal: { embedding: vector(0, -0.1) },
      opposite: { embedding: vector(-1, 0) },
    });
    expect(ids(await search(c, 'COSINE', 1).get())).toEqual(['same', 'diagonal', 'orthogonal']);
  });

  it('DOT_PRODUCT keeps products >= the threshold', async () => {
    const c = await seed({ ...docs, '4': { embedding: vector(-20, 0) }, '5': { embedding: vector(0.1, 4) } });
    expect(ids(await search(c, 'DOT_PRODUCT', 1).get())).toEqual(['2', '3']);
    expect(ids(await search(c, 'DOT_PRODUCT', 0.11).get())).toEqual(['2', '3']);
    expect(ids(await search(c, 'DOT_PRODUCT', -100, 3).get())).toEqual(['2', '3', '5']);
  });
});

describe('vector search: which documents take part', () => {
  it('skips fields that are not vectors, and vectors of another dimension', async () => {
    const c = await seed({
      missing: { foo: 'bar' },
      array: { embedding: [10, 10] },
      string: { embedding: 'not actually a vector' },
      null: { embedding: null },
      map: { embedding: { value: [10, 10] } },
      short: { embedding: vector(10) },
      long: { embedding: vector(10, 10, 10) },
      near: { embedding: vector(9, 9) },
      far: { embedding: vector(50, 50) },
      farther: { embedding: vector(100, 100) },
    });
    const snapshot = await c
      .findNearest({
        vectorField: 'embedding',
        queryVector: [10, 10],
        limit: 100,
        distanceMeasure: 'EUCLIDEAN',
      })
      .get();
    expect(ids(snapshot)).toEqual(['near', 'far', 'farther']);
    expect((snapshot.docs[0]?.get('embedding') as VectorValue).isEqual(vector(9, 9))).toBe(true);
  });

  it('returns nothing when no document has the field', async () => {
    const c = await seed({ a: { foo: 'bar' }, b: { other: vector(1, 1) } });
    const snapshot = await c
      .findNearest({ vectorField: 'embedding', queryVector: [1, 1], limit: 3, distanceMeasure: 'EUCLIDEAN' })
      .get();
    expect(snapshot.size).toBe(0);
    expect(snapshot.empty).toBe(true);
  });

  it('searches a vector nested in a map', async () => {
    const c = await seed({
      a: { nested: { embedding: vector(10, 10) } },
      b: { nested: { embedding: vector(1, 1) } },
      c: { nested: { embedding: vector(10, 0) } },
      d: { nested: { foo: 'bar' } },
    });
    const snapshot = await c
      .findNearest({
        vectorField: 'nested.embedding',
        queryVector: [10, 10],
        limit: 2,
        distanceMeasure: 'EUCLIDEAN',
      })
      .get();
    expect(ids(snapshot)).toEqual(['a', 'c']);
  });

  it('combines a prefilter with select, leaving the vector out of the results', async () => {
    const c = await seed({
      one: { foo: 1 },
      two: { foo: 2, embedding: vector(10, 10) },
      three: { foo: 3, embedding: vector(1, 1) },
      four: { foo: 4, embedding: vector(10, 0) },
      five: { foo: 5, embedding: vector(20, 0) },
      six: { foo: 6, embedding: vector(100, 100) },
    });
    const snapshot = await c
      .where('foo', 'in', [2, 3, 4, 6])
      .select('foo')
      .findNearest({
        vectorField: 'embedding',
        queryVector: [10, 10],
        limit: 10,
        distanceMeasure: 'EUCLIDEAN',
      })
      .get();
    expect(snapshot.docs.map((doc) => doc.data())).toEqual([{ foo: 2 }, { foo: 4 }, { foo: 3 }, { foo: 6 }]);
  });

  it('searches a collection group', async () => {
    const group = unique('vgroup');
    await project.db.doc(`a/1/${group}/x`).set({ embedding: vector(0, 5) });
    await project.db.doc(`b/2/${group}/y`).set({ embedding: vector(0, 1) });
    await project.db.doc(`${group}/z`).set({ embedding: vector(0, 3) });
    const snapshot = await project.db
      .collectionGroup(group)
      .findNearest({ vectorField: 'embedding', queryVector: [0, 0], limit: 2, distanceMeasure: 'EUCLIDEAN' })
      .get();
    expect(snapshot.docs.map((doc) => doc.ref.path)).toEqual([`b/2/${group}/y`, `${group}/z`]);
  });

  it('returns at most limit documents', async () => {
    const docs: Record<string, Record<string, unknown>> = {};
    for (let i = 0; i < 20; i++) docs[`d${String(i).padStart(2, '0')}`] = { embedding: vector(i, 0) };
    const c = await seed(docs);
    const snapshot = await c
      .findNearest({
        vectorField: 'embedding',
        queryVector: [7.2, 0],
        limit: 4,
        distanceMeasure: 'EUCLIDEAN',
      })
      .get();
    expect(ids(snapshot)).toEqual(['d07', 'd08', 'd06', 'd09']);
  });
});

describe('vector search: limits and validation', () => {
  it('accepts 2048 dimensions and a limit of 1000', async () => {
    const embedding = Array.from({ length: 2048 }, (_, i) => i + 1);
    const c = await seed({ d: { embedding: FieldValue.vector(embedding) } });
    const snapshot = await c
      .findNearest({
        vectorField: 'embedding',
        queryVector: Array.from({ length: 2048 }, (_, i) => i - 1),
        limit: 1000,
        distanceMeasure: 'EUCLIDEAN',
      })
      .get();
    expect(ids(snapshot)).toEqual(['d']);
    expect((snapshot.docs[0]?.get('embedding') as VectorValue).toArray()).toEqual(embedding);
  });

  it('rejects a limit above 1000 and a query vector over 2048 dimensions', async () => {
    const c = await seed({ d: { embedding: vector(1, 2) } });
    await expectInvalid(
      c
        .findNearest({
          vectorField: 'embedding',
          queryVector: [1, 2],
          limit: 1001,
          distanceMeasure: 'COSINE',
        })
        .get(),
    );
    await expectInvalid(
      c
        .findNearest({
          vectorField: 'embedding',
          queryVector: Array.from({ length: 2049 }, () => 1),
          limit: 1,
          distanceMeasure: 'COSINE',
        })
        .get(),
    );
  });

  describe('requests the SDK refuses to build', () => {
    const query = (c: CollectionReference, findNearest: Record<string, unknown>): Promise<RawOutcome> =>
      rawCall('RunQuery', {
        parent: `${databasePath(project.projectId)}/documents`,
        structuredQuery: { from: [{ collectionId: c.id }], findNearest },
      });
    const valid = {
      vectorField: { fieldPath: 'embedding' },
      queryVector: {
        mapValue: {
          fields: {
            __type__: { stringValue: '__vector__' },
            value: { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 0 }] } },
          },
        },
      },
      distanceMeasure: 'EUCLIDEAN',
      limit: { value: 5 },
    };

    it('the valid request they are variations of works', async () => {
      const c = await seed({ d: { embedding: vector(1, 1) } });
      const outcome = await query(c, valid);
      expect(outcome.ok && outcome.responses.length).toBe(1);
    });

    it('a missing or non-positive limit, or no distance measure, is INVALID_ARGUMENT', async () => {
      const c = await seed({ d: { embedding: vector(1, 1) } });
      const code = async (findNearest: Record<string, unknown>) => {
        const outcome = await query(c, findNearest);
        return outcome.ok ? 'ok' : outcome.code;
      };
      expect(await code({ ...valid, limit: undefined })).toBe(INVALID_ARGUMENT);
      expect(await code({ ...valid, limit: { value: 0 } })).toBe(INVALID_ARGUMENT);
      expect(await code({ ...valid, distanceMeasure: 'DISTANCE_MEASURE_UNSPECIFIED' })).toBe(
        INVALID_ARGUMENT,
      );
    });

    it('a query vector that is not a vector value is INVALID_ARGUMENT', async () => {
      const c = await seed({ d: { embedding: vector(1, 1) } });
      const code = async (queryVector: Record<string, unknown> | undefined) => {
        const outcome = await query(c, { ...valid, queryVector });
        return outcome.ok ? 'ok' : outcome.code;
      };
      expect(await code(undefined)).toBe(INVALID_ARGUMENT);
      expect(await code({ arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 0 }] } })).toBe(
        INVALID_ARGUMENT,
      );
      expect(
        await code({
          mapValue: {
            fields: {
              __type__: { stringValue: '__vector__' },
              value: { arrayValue: { values: [{ stringValue: 'x' }, { doubleValue: 0 }] } },
            },
          },
        }),
      ).toBe(INVALID_ARGUMENT);
    });
  });
});
