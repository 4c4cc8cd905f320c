import { FieldPath, FieldValue, Timestamp } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall } from './helpers/raw-grpc.js';

const project = useProject('transforms');
afterAll(() => closeRawClient());

function bigIntClient() {
  const db = project.client();
  db.settings({ useBigInt: true });
  return db;
}

function docName(path: string): string {
  return `${databasePath(project.projectId)}/documents/${path}`;
}

/** Commits one raw Write (for transforms the Admin SDK does not expose) and returns the response. */
async function rawWrite(write: Record<string, unknown>): Promise<Record<string, unknown>> {
  const outcome = await rawCall('Commit', { database: databasePath(project.projectId), writes: [write] });
  if (!outcome.ok) throw new Error(`commit failed: ${outcome.code} ${outcome.details}`);
  return outcome.responses[0] ?? {};
}

function transformWrite(
  path: string,
  transforms: Record<string, unknown>[],
  fields: Record<string, unknown> = {},
) {
  return {
    update: { name: docName(path), fields },
    updateMask: { fieldPaths: Object.keys(fields) },
    updateTransforms: transforms,
  };
}

describe('transforms: increment', () => {
  it('sets a missing field to the operand', async () => {
    const ref = project.db.collection(unique('inc')).doc('d');
    await ref.set({ n: FieldValue.increment(5) }, { merge: true });
    expect((await ref.get()).get('n')).toBe(5);
  });

  it('integer + integer stays an exact integer', async () => {
    const db = bigIntClient();
    const ref = db.collection(unique('inc')).doc('d');
    await ref.set({ n: 9007199254740992n });
    await ref.update({ n: FieldValue.increment(1) });
    expect((await ref.get()).get('n')).toBe(9007199254740993n);
  });

  it('saturates at the largest int64 on positive overflow', async () => {
    const db = bigIntClient();
    const ref = db.collection(unique('inc')).doc('d');
    await ref.set({ n: 9223372036854775800n });
    await ref.update({ n: FieldValue.increment(100) });
    expect((await ref.get()).get('n')).toBe(9223372036854775807n);
  });

  it('saturates at the smallest int64 on negative overflow', async () => {
    const db = bigIntClient();
    const ref = db.collection(unique('inc')).doc('d');
    await ref.set({ n: -9223372036854775800n });
    await ref.update({ n: FieldValue.increment(-100) });
    expect((await ref.get()).get('n')).toBe(-9223372036854775808n);
  });

  it('integer + double gives a double', async () => {
    const db = bigIntClient();
    const ref = db.collection(unique('inc')).doc('d');
    await ref.set({ n: 1n });
    await ref.update({ n: FieldValue.increment(0.5) });
    expect((await ref.get()).get('n')).toBe(1.5);
  });

  it('double + integer gives a double', async () => {
    const db = bigIntClient();
    const ref = db.collection(unique('inc')).doc('d');
    await ref.set({ n: 2.5 });
    await ref.update({ n: FieldValue.increment(2) });
    const value = (await ref.get()).get('n') as unknown;
    expect(value).toBe(4.5);
  });

  it('a double sum that lands on a whole number is still a double', async () => {
    const name = `${unique('inc')}/d`;
    await rawWrite({ update: { name: docName(name), fields: { n: { doubleValue: 0.5 } } } });
    await rawWrite(transformWrite(name, [{ fieldPath: 'n', increment: { doubleValue: 0.5 } }]));
    const snapshot = await rawCall('GetDocument', { name: docName(name) });
    expect(snapshot.ok && (snapshot.responses[0]?.['fields'] as Record<string, unknown>)['n']).toEqual({
      doubleValue: 1,
    });
  });

  it('integer arithmetic with a large double loses precision like IEEE 754', async () => {
    const db = bigIntClient();
    const ref = db.collection(unique('inc')).doc('d');
    await ref.set({ n: 9007199254740993n });
    await ref.update({ n: FieldValue.increment(0.5) });
    // 2^53 + 1 becomes the double 2^53 (ties to even), and 2^53 + 0.5 rounds back to 2^53.
    expect((await ref.get()).get('n')).toBe(9007199254740992);
  });

  it('replaces a non-numeric value with the operand', async () => {
    const ref = project.db.collection(unique('inc')).doc('d');
    await ref.set({ n: 'not a number', m: { x: true } });
    await ref.update({ n: FieldValue.increment(3), m: FieldValue.increment(1.5) });
    expect((await ref.get()).data()).toEqual({ n: 3, m: 1.5 });
  });

  it('increments NaN to NaN and infinities stay infinite', async () => {
    const ref = project.db.collection(unique('inc')).doc('d');
    await ref.set({ nan: NaN, inf: Infinity });
    await ref.update({ nan: FieldValue.increment(1), inf: FieldValue.increment(-1e308) });
    const data = (await ref.get()).data() ?? {};
    expect(data['nan']).toBeNaN();
    expect(data['inf']).toBe(Infinity);
  });

  it('200 concurrent increments of nested map fields with merge are all counted', async () => {
    const ref = project.db.collection(unique('inc')).doc('daily');
    const endpoints = ['GET /v1/forecast', 'POST /v1/keys/verify', 'GET /v1/ping', 'status.200'];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const endpoint = endpoints[i % endpoints.length] ?? '';
        return ref.set(
          {
            total_requests: FieldValue.increment(1),
            latency_ms_sum: FieldValue.increment(i),
            requests_by_endpoint: { [endpoint]: FieldValue.increment(1) },
            requests_by_status: { [String(200 + (i % 2))]: FieldValue.increment(1) },
          },
          { merge: true },
        );
      }),
    );
    const data = (await ref.get()).data() ?? {};
    expect(data['total_requests']).toBe(200);
    expect(data['latency_ms_sum']).toBe((199 * 200) / 2);
    expect(data['requests_by_endpoint']).toEqual({
      'GET /v1/forecast': 50,
      'POST /v1/keys/verify': 50,
      'GET /v1/ping': 50,
      'status.200': 50,
    });
    expect(data['requests_by_status']).toEqual({ '200': 100, '201': 100 });
  });
});

describe('transforms: maximum and minimum', () => {
  async function extremum(
    kind: 'maximum' | 'minimum',
    stored: Record<string, unknown> | undefined,
    operand: Record<string, unknown>,
  ) {
    const name = `${unique(kind)}/d`;
    if (stored !== undefined) await rawWrite({ update: { name: docName(name), fields: { v: stored } } });
    const response = await rawWrite(transformWrite(name, [{ fieldPath: 'v', [kind]: operand }]));
    const read = await rawCall('GetDocument', { name: docName(name) });
    if (!read.ok) throw new Error(read.details);
    const fields = read.responses[0]?.['fields'] as Record<string, unknown>;
    const results = (response['writeResults'] as { transformResults?: unknown[] }[])[0]?.transformResults;
    return { value: fields['v'], result: results?.[0] };
  }

  it('maximum of a missing field is the operand', async () => {
    expect((await extremum('maximum', undefined, { integerValue: 5 })).value).toEqual({ integerValue: '5' });
  });

  it('maximum keeps the larger value with its own type', async () => {
    expect((await extremum('maximum', { integerValue: 3 }, { doubleValue: 7.5 })).value).toEqual({
      doubleValue: 7.5,
    });
    expect((await extremum('maximum', { doubleValue: 9.5 }, { integerValue: 4 })).value).toEqual({
      doubleValue: 9.5,
    });
  });

  it('maximum of equivalent values keeps the stored one', async () => {
    expect((await extremum('maximum', { integerValue: 3 }, { doubleValue: 3 })).value).toEqual({
      integerValue: '3',
    });
    expect((await extremum('maximum', { doubleValue: -0 }, { integerValue: 0 })).value).toEqual({
      doubleValue: -0,
    });
  });

  it('maximum with NaN is NaN', async () => {
    expect((await extremum('maximum', { integerValue: 3 }, { doubleValue: NaN })).value).toEqual({
      doubleValue: NaN,
    });
    expect((await extremum('maximum', { doubleValue: NaN }, { integerValue: 100 })).value).toEqual({
      doubleValue: NaN,
    });
  });

  it('minimum keeps the smaller value and reports it as the transform result', async () => {
    const outcome = await extremum('minimum', { integerValue: 10 }, { integerValue: -2 });
    expect(outcome.value).toEqual({ integerValue: '-2' });
    expect(outcome.result).toEqual({ integerValue: '-2' });
  });

  it('minimum replaces a non-numeric value', async () => {
    expect((await extremum('minimum', { stringValue: 'x' }, { doubleValue: 1.25 })).value).toEqual({
      doubleValue: 1.25,
    });
  });
});

describe('transforms: server timestamp', () => {
  it('sets a timestamp not after the commit time, with millisecond precision', async () => {
    const ref = project.db.collection(unique('ts')).doc('d');
    const before = Timestamp.now();
    const write = await ref.set({ at: FieldValue.serverTimestamp() });
    const at = (await ref.get()).get('at') as Timestamp;
    expect(at.toMillis()).toBeGreaterThanOrEqual(before.toMillis() - 1000);
    expect(at.valueOf() <= write.writeTime.valueOf()).toBe(true);
    expect(at.nanoseconds % 1_000_000).toBe(0);
  });

  it('gives every field in one commit the same timestamp', async () => {
    const collection = project.db.collection(unique('ts'));
    const batch = project.db.batch();
    batch.set(collection.doc('a'), {
      x: FieldValue.serverTimestamp(),
      nested: { y: FieldValue.serverTimestamp() },
    });
    batch.set(collection.doc('b'), { z: FieldValue.serverTimestamp() });
    await batch.commit();
    const a = (await collection.doc('a').get()).data() ?? {};
    const b = (await collection.doc('b').get()).data() ?? {};
    const x = a['x'] as Timestamp;
    expect(x.isEqual((a['nested'] as { y: Timestamp }).y)).toBe(true);
    expect(x.isEqual(b['z'] as Timestamp)).toBe(true);
  });

  it('works in update, in nested fields and next to plain values', async () => {
    const ref = project.db.collection(unique('ts')).doc('d');
    await ref.set({ status: 'new' });
    await ref.update({ status: 'done', 'audit.updated_at': FieldValue.serverTimestamp() });
    const data = (await ref.get()).data() ?? {};
    expect(data['status']).toBe('done');
    expect((data['audit'] as { updated_at: unknown }).updated_at).toBeInstanceOf(Timestamp);
  });
});

describe('transforms: arrays', () => {
  it('arrayUnion appends only missing elements, in order', async () => {
    const ref = project.db.collection(unique('arr')).doc('d');
    await ref.set({ tags: ['a', 'b'] });
    await ref.update({ tags: FieldValue.arrayUnion('b', 'c', 'a', 'd', 'c') });
    expect((await ref.get()).get('tags')).toEqual(['a', 'b', 'c', 'd']);
  });

  it('arrayUnion treats 1 and 1.0 as equal and compares maps by value', async () => {
    const name = `${unique('arr')}/d`;
    await rawWrite({
      update: {
        name: docName(name),
        fields: {
          v: {
            arrayValue: {
              values: [{ integerValue: 1 }, { mapValue: { fields: { k: { stringValue: 'x' } } } }],
            },
          },
        },
      },
    });
    await rawWrite(
      transformWrite(name, [
        {
          fieldPath: 'v',
          appendMissingElements: {
            values: [
              { doubleValue: 1 },
              { mapValue: { fields: { k: { stringValue: 'x' } } } },
              { doubleValue: 2 },
            ],
          },
        },
      ]),
    );
    const read = await rawCall('GetDocument', { name: docName(name) });
    const fields = read.ok
      ? (read.responses[0]?.['fields'] as Record<string, { arrayValue: { values: unknown[] } }>)
      : {};
    expect(fields['v']?.arrayValue.values).toEqual([
      { integerValue: '1' },
      { mapValue: { fields: { k: { stringValue: 'x' } } } },
      { doubleValue: 2 },
    ]);
  });

  it('arrayUnion on a missing or non-array field starts from an empty array', async () => {
    const ref = project.db.collection(unique('arr')).doc('d');
    await ref.set({ scalar: 5 });
    await ref.update({ scalar: FieldValue.arrayUnion(1, 2), missing: FieldValue.arrayUnion('x') });
    expect((await ref.get()).data()).toEqual({ scalar: [1, 2], missing: ['x'] });
  });

  it('arrayRemove removes every equal element, including duplicates', async () => {
    const ref = project.db.collection(unique('arr')).doc('d');
    await ref.set({ v: [1, 2, 1, 'x', { a: 1 }, null, 1] });
    await ref.update({ v: FieldValue.arrayRemove(1, { a: 1 }, null, 'missing') });
    expect((await ref.get()).get('v')).toEqual([2, 'x']);
  });

  it('arrayRemove on a non-array field leaves an empty array', async () => {
    const ref = project.db.collection(unique('arr')).doc('d');
    await ref.set({ v: 'text' });
    await ref.update({ v: FieldValue.arrayRemove('text') });
    expect((await ref.get()).get('v')).toEqual([]);
  });
});

describe('transforms: combinations and results', () => {
  it('applies several transforms in one write, on nested fields too', async () => {
    const ref = project.db.collection(unique('multi')).doc('d');
    await ref.set({ stats: { count: 1, tags: ['a'] } });
    await ref.update({
      'stats.count': FieldValue.increment(2),
      'stats.tags': FieldValue.arrayUnion('b'),
      'stats.seen_at': FieldValue.serverTimestamp(),
      'stats.deep.er': FieldValue.increment(1),
      plain: 'value',
    });
    const data = (await ref.get()).data() ?? {};
    const stats = data['stats'] as Record<string, unknown>;
    expect(stats['count']).toBe(3);
    expect(stats['tags']).toEqual(['a', 'b']);
    expect(stats['seen_at']).toBeInstanceOf(Timestamp);
    expect(stats['deep']).toEqual({ er: 1 });
    expect(data['plain']).toBe('value');
  });

  it('set (no merge) with a transform writes the data and the transformed field', async () => {
    const ref = project.db.collection(unique('multi')).doc('d');
    await ref.set({ old: true });
    await ref.set({ a: 1, counter: FieldValue.increment(4) });
    expect((await ref.get()).data()).toEqual({ a: 1, counter: 4 });
  });

  it('create with a transform fails if the document exists', async () => {
    const ref = project.db.collection(unique('multi')).doc('d');
    await ref.set({ a: 1 });
    await expect(ref.create({ a: 2, at: FieldValue.serverTimestamp() })).rejects.toMatchObject({ code: 6 });
  });

  it('returns transform results in order: new values, and null for array transforms', async () => {
    const name = `${unique('results')}/d`;
    await rawWrite({ update: { name: docName(name), fields: { n: { integerValue: 10 } } } });
    const response = await rawWrite(
      transformWrite(name, [
        { fieldPath: 'n', increment: { integerValue: 5 } },
        { fieldPath: 'tags', appendMissingElements: { values: [{ stringValue: 'x' }] } },
        { fieldPath: 'at', setToServerValue: 'REQUEST_TIME' },
        { fieldPath: 'gone', removeAllFromArray: { values: [{ stringValue: 'y' }] } },
      ]),
    );
    const results =
      (response['writeResults'] as { transformResults: Record<string, unknown>[] }[])[0]?.transformResults ??
      [];
    expect(results).toHaveLength(4);
    expect(results[0]).toEqual({ integerValue: '15' });
    expect(results[1]).toEqual({ nullValue: 'NULL_VALUE' });
    expect(Object.keys(results[2] ?? {})).toEqual(['timestampValue']);
    expect(results[3]).toEqual({ nullValue: 'NULL_VALUE' });
  });

  it('a standalone transform write creates the document', async () => {
    const name = `${unique('standalone')}/d`;
    await rawWrite({
      transform: {
        document: docName(name),
        fieldTransforms: [{ fieldPath: 'n', increment: { integerValue: 2 } }],
      },
    });
    const read = await rawCall('GetDocument', { name: docName(name) });
    expect(read.ok && read.responses[0]?.['fields']).toEqual({ n: { integerValue: '2' } });
  });

  it('FieldPath transforms address keys containing dots', async () => {
    const ref = project.db.collection(unique('multi')).doc('d');
    await ref.set({ by_status: {} });
    await ref.update(new FieldPath('by_status', '4.04'), FieldValue.increment(1));
    expect((await ref.get()).get(new FieldPath('by_status', '4.04'))).toBe(1);
  });
});
