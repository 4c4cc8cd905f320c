import { FieldPath, FieldValue, GeoPoint, Timestamp, type Firestore } from 'firebase-admin/firestore';
import { beforeAll, describe, expect, it } from 'vitest';
import { unique, useProject } from './helpers/firestore.js';

const project = useProject('documents');

function col(prefix = 'docs') {
  return project.db.collection(unique(prefix));
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: number; message: string };
  }
  throw new Error('expected the operation to fail');
}

describe('documents: get', () => {
  it('reports a missing document as not existing, with a read time', async () => {
    const snapshot = await col().doc('missing').get();
    expect(snapshot.exists).toBe(false);
    expect(snapshot.createTime).toBeUndefined();
    expect(snapshot.updateTime).toBeUndefined();
    expect(snapshot.readTime.toMillis()).toBeGreaterThan(0);
  });

  it('round-trips every value type', async () => {
    const ref = col().doc('all-types');
    const other = project.db.doc('elsewhere/target');
    const data = {
      nothing: null,
      yes: true,
      no: false,
      integer: 42,
      negative: -7,
      double: 3.25,
      string: 'héllo 😀',
      empty: '',
      bytes: Buffer.from([0, 1, 2, 254, 255]),
      timestamp: new Timestamp(1_700_000_000, 123_456_000),
      geo: new GeoPoint(48.85, 2.35),
      reference: other,
      array: [1, 'two', { three: 3 }, null],
      map: { nested: { deep: 'value' }, list: [true] },
      emptyMap: {},
      emptyArray: [],
    };
    await ref.set(data);
    const snapshot = await ref.get();
    const read = snapshot.data() ?? {};
    expect(read['nothing']).toBeNull();
    expect(read['yes']).toBe(true);
    expect(read['no']).toBe(false);
    expect(read['integer']).toBe(42);
    expect(read['negative']).toBe(-7);
    expect(read['double']).toBe(3.25);
    expect(read['string']).toBe('héllo 😀');
    expect(read['empty']).toBe('');
    expect(Buffer.from(read['bytes'] as Uint8Array)).toEqual(Buffer.from([0, 1, 2, 254, 255]));
    expect((read['timestamp'] as Timestamp).isEqual(new Timestamp(1_700_000_000, 123_456_000))).toBe(true);
    expect((read['geo'] as GeoPoint).isEqual(new GeoPoint(48.85, 2.35))).toBe(true);
    expect((read['reference'] as typeof other).path).toBe('elsewhere/target');
    expect(read['array']).toEqual([1, 'two', { three: 3 }, null]);
    expect(read['map']).toEqual({ nested: { deep: 'value' }, list: [true] });
    expect(read['emptyMap']).toEqual({});
    expect(read['emptyArray']).toEqual([]);
  });

  it('keeps int64 values exact', async () => {
    const db = project.client();
    db.settings({ useBigInt: true });
    const ref = db.collection(unique('bigint')).doc('d');
    await ref.set({ max: 9223372036854775807n, min: -9223372036854775808n, odd: 9007199254740993n });
    const read = (await ref.get()).data() ?? {};
    expect(read['max']).toBe(9223372036854775807n);
    expect(read['min']).toBe(-9223372036854775808n);
    expect(read['odd']).toBe(9007199254740993n);
  });

  it('keeps special doubles', async () => {
    const ref = col().doc('doubles');
    await ref.set({ nan: NaN, inf: Infinity, ninf: -Infinity, tiny: 5e-324 });
    const read = (await ref.get()).data() ?? {};
    expect(read['nan']).toBeNaN();
    expect(read['inf']).toBe(Infinity);
    expect(read['ninf']).toBe(-Infinity);
    expect(read['tiny']).toBe(5e-324);
  });

  it('applies a field mask on getAll', async () => {
    const ref = col().doc('masked');
    await ref.set({ a: 1, b: { c: 2, d: 3 }, e: 4 });
    const [snapshot] = await project.db.getAll(ref, { fieldMask: ['a', 'b.c'] });
    expect(snapshot?.data()).toEqual({ a: 1, b: { c: 2 } });
  });

  it('reads a document in a subcollection whose parent does not exist', async () => {
    const ref = col().doc('ghost-parent').collection('children').doc('child');
    await ref.set({ v: 1 });
    expect((await ref.get()).get('v')).toBe(1);
    expect((await ref.parent.parent?.get())?.exists).toBe(false);
  });
});

describe('documents: create', () => {
  it('creates a new document with equal create and update times', async () => {
    const ref = col().doc('new');
    const result = await ref.create({ a: 1 });
    const snapshot = await ref.get();
    expect(snapshot.get('a')).toBe(1);
    expect(snapshot.createTime?.isEqual(snapshot.updateTime ?? Timestamp.now())).toBe(true);
    expect(result.writeTime.isEqual(snapshot.updateTime ?? Timestamp.now())).toBe(true);
  });

  it('fails with ALREADY_EXISTS when the document exists', async () => {
    const ref = col().doc('twice');
    await ref.create({ a: 1 });
    const error = await rejection(ref.create({ a: 2 }));
    expect(error.code).toBe(6);
    expect((await ref.get()).get('a')).toBe(1);
  });

  it('creates documents with generated ids through add()', async () => {
    const collection = col();
    const ref = await collection.add({ v: 'x' });
    expect(ref.id).toMatch(/^[A-Za-z0-9]{20}$/);
    expect((await ref.get()).get('v')).toBe('x');
  });
});

describe('documents: set and merge', () => {
  it('set replaces the whole document', async () => {
    const ref = col().doc('replace');
    await ref.set({ a: 1, b: 2 });
    await ref.set({ c: 3 });
    expect((await ref.get()).data()).toEqual({ c: 3 });
  });

  it('set with merge keeps other fields and merges nested maps', async () => {
    const ref = col().doc('merge');
    await ref.set({ a: 1, m: { x: 1, y: 2 }, keep: true });
    await ref.set({ a: 2, m: { y: 20, z: 30 } }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: 2, m: { x: 1, y: 20, z: 30 }, keep: true });
  });

  it('set with mergeFields writes only the listed fields', async () => {
    const ref = col().doc('merge-fields');
    await ref.set({ a: 1, b: 1, m: { x: 1, y: 1 } });
    await ref.set({ a: 2, b: 2, m: { x: 2, y: 2 } }, { mergeFields: ['a', 'm.y'] });
    expect((await ref.get()).data()).toEqual({ a: 2, b: 1, m: { x: 1, y: 2 } });
  });

  it('set with merge creates a missing document', async () => {
    const ref = col().doc('merge-create');
    await ref.set({ a: { b: 1 } }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: { b: 1 } });
  });

  it('set with merge and FieldValue.delete removes the field', async () => {
    const ref = col().doc('merge-delete');
    await ref.set({ a: 1, b: 2 });
    await ref.set({ b: FieldValue.delete() }, { merge: true });
    expect((await ref.get()).data()).toEqual({ a: 1 });
  });

  it('set with merge of an empty map sets the field to an empty map', async () => {
    const ref = col().doc('merge-empty-map');
    await ref.set({ m: { a: 1 } });
    await ref.set({ m: {} }, { merge: true });
    expect((await ref.get()).data()).toEqual({ m: {} });
  });
});

describe('documents: update', () => {
  it('fails with NOT_FOUND for a missing document', async () => {
    const ref = col().doc('absent');
    const error = await rejection(ref.update({ a: 1 }));
    expect(error.code).toBe(5);
    expect((await ref.get()).exists).toBe(false);
  });

  it('updates nested fields by dotted path, keeping siblings', async () => {
    const ref = col().doc('nested');
    await ref.set({ m: { a: 1, b: 2 }, top: 't' });
    await ref.update({ 'm.b': 20, 'm.c.d': 'deep' });
    expect((await ref.get()).data()).toEqual({ m: { a: 1, b: 20, c: { d: 'deep' } }, top: 't' });
  });

  it('replaces a non-map intermediate value with a map', async () => {
    const ref = col().doc('intermediate');
    await ref.set({ m: 'scalar' });
    await ref.update({ 'm.x': 1 });
    expect((await ref.get()).data()).toEqual({ m: { x: 1 } });
  });

  it('replaces a whole map when the map itself is updated', async () => {
    const ref = col().doc('whole-map');
    await ref.set({ m: { a: 1, b: 2 } });
    await ref.update({ m: { c: 3 } });
    expect((await ref.get()).data()).toEqual({ m: { c: 3 } });
  });

  it('deletes fields with FieldValue.delete, including nested ones', async () => {
    const ref = col().doc('delete-field');
    await ref.set({ a: 1, m: { x: 1, y: 2 } });
    await ref.update({ a: FieldValue.delete(), 'm.x': FieldValue.delete() });
    expect((await ref.get()).data()).toEqual({ m: { y: 2 } });
  });

  it('handles map keys with spaces, slashes, dots, backticks and non-ASCII characters', async () => {
    const ref = col().doc('special-keys');
    await ref.set({ requests_by_endpoint: { 'GET /v1/forecast': 1 } });
    await ref.update(
      new FieldPath('requests_by_endpoint', 'GET /v1/forecast'),
      FieldValue.increment(2),
      new FieldPath('requests_by_endpoint', 'POST /v1/keys/verify'),
      5,
      new FieldPath('odd', 'a.b'),
      'dot',
      new FieldPath('odd', 'back`tick'),
      'tick',
      new FieldPath('odd', 'back\\slash'),
      'slash',
      new FieldPath('odd', 'ünï €'),
      'unicode',
    );
    expect((await ref.get()).data()).toEqual({
      requests_by_endpoint: { 'GET /v1/forecast': 3, 'POST /v1/keys/verify': 5 },
      odd: { 'a.b': 'dot', 'back`tick': 'tick', 'back\\slash': 'slash', 'ünï €': 'unicode' },
    });
  });

  it('reads fields with special characters through FieldPath', async () => {
    const ref = col().doc('special-get');
    await ref.set({ 'a.b': { 'c/d': 7 } });
    const snapshot = await ref.get();
    expect(snapshot.get(new FieldPath('a.b', 'c/d'))).toBe(7);
    expect(snapshot.get('a.b')).toBeUndefined();
  });
});

describe('documents: delete and preconditions', () => {
  it('deletes an existing document', async () => {
    const ref = col().doc('gone');
    await ref.set({ a: 1 });
    await ref.delete();
    expect((await ref.get()).exists).toBe(false);
  });

  it('deleting a missing document succeeds', async () => {
    await expect(col().doc('never').delete()).resolves.toBeDefined();
  });

  it('delete with exists:true fails with NOT_FOUND on a missing document', async () => {
    const error = await rejection(col().doc('never-2').delete({ exists: true }));
    expect(error.code).toBe(5);
  });

  it('delete with a stale lastUpdateTime fails with FAILED_PRECONDITION', async () => {
    const ref = col().doc('stale-delete');
    const first = await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    const error = await rejection(ref.delete({ lastUpdateTime: first.writeTime }));
    expect(error.code).toBe(9);
    expect((await ref.get()).get('v')).toBe(2);
  });

  it('delete with the current lastUpdateTime succeeds', async () => {
    const ref = col().doc('fresh-delete');
    const write = await ref.set({ v: 1 });
    await ref.delete({ lastUpdateTime: write.writeTime });
    expect((await ref.get()).exists).toBe(false);
  });

  it('update with a lastUpdateTime precondition succeeds only while it matches', async () => {
    const ref = col().doc('conditional-update');
    const write = await ref.set({ v: 1 });
    await ref.update({ v: 2 }, { lastUpdateTime: write.writeTime });
    const error = await rejection(ref.update({ v: 3 }, { lastUpdateTime: write.writeTime }));
    expect(error.code).toBe(9);
    expect((await ref.get()).get('v')).toBe(2);
  });
});

describe('documents: create, update and read times', () => {
  it('advances updateTime on each change and keeps createTime', async () => {
    const ref = col().doc('times');
    await ref.set({ v: 1 });
    const first = await ref.get();
    await ref.update({ v: 2 });
    const second = await ref.get();
    expect(second.createTime?.isEqual(first.createTime ?? Timestamp.now())).toBe(true);
    expect(second.updateTime?.toMillis() ?? 0).toBeGreaterThanOrEqual(
      first.updateTime?.toMillis() ?? Infinity,
    );
    expect(second.updateTime?.isEqual(first.updateTime ?? Timestamp.now())).toBe(false);
    expect(second.readTime.valueOf() >= (second.updateTime?.valueOf() ?? '')).toBe(true);
  });

  it('a write that changes nothing keeps the previous update time', async () => {
    const ref = col().doc('no-op');
    const first = await ref.set({ a: 1, m: { b: 'x' } });
    const second = await ref.set({ a: 1, m: { b: 'x' } });
    expect(second.writeTime.isEqual(first.writeTime)).toBe(true);
    expect((await ref.get()).updateTime?.isEqual(first.writeTime)).toBe(true);
  });

  it('a recreated document gets a new createTime', async () => {
    const ref = col().doc('recreated');
    await ref.set({ v: 1 });
    const first = await ref.get();
    await ref.delete();
    await ref.set({ v: 1 });
    const second = await ref.get();
    expect(second.createTime?.isEqual(first.createTime ?? Timestamp.now())).toBe(false);
  });

  it('all writes of a batch share one commit time', async () => {
    const collection = col();
    const batch = project.db.batch();
    batch.set(collection.doc('a'), { v: 1 });
    batch.set(collection.doc('b'), { v: 2 });
    batch.delete(collection.doc('c'));
    const results = await batch.commit();
    expect(results).toHaveLength(3);
    expect(results[0]?.writeTime.isEqual(results[1]?.writeTime ?? Timestamp.now())).toBe(true);
  });
});

describe('documents: batches', () => {
  it('a failing write makes the whole batch fail and apply nothing', async () => {
    const collection = col();
    await collection.doc('exists').set({ v: 1 });
    const batch = project.db.batch();
    batch.set(collection.doc('fresh'), { v: 1 });
    batch.create(collection.doc('exists'), { v: 2 });
    const error = await rejection(batch.commit());
    expect(error.code).toBe(6);
    expect((await collection.doc('fresh').get()).exists).toBe(false);
    expect((await collection.doc('exists').get()).get('v')).toBe(1);
  });

  it('several writes to one document in a batch apply in order', async () => {
    const ref = col().doc('ordered');
    const batch = project.db.batch();
    batch.set(ref, { a: 1, b: 1 });
    batch.update(ref, { b: 2, c: FieldValue.increment(1) });
    batch.update(ref, { c: FieldValue.increment(10) });
    await batch.commit();
    expect((await ref.get()).data()).toEqual({ a: 1, b: 2, c: 11 });
  });

  it('an empty batch commits', async () => {
    await expect(project.db.batch().commit()).resolves.toEqual([]);
  });
});

describe('documents: clients', () => {
  let second: Firestore;
  beforeAll(() => {
    second = project.client();
  });

  it('a write by one client is visible to another', async () => {
    const ref = col().doc('shared');
    await ref.set({ from: 'first' });
    expect((await second.doc(ref.path).get()).get('from')).toBe('first');
  });
});
