import { FieldValue } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall } from './helpers/raw-grpc.js';

const project = useProject('batch-ops');
afterAll(() => closeRawClient());

describe('BatchGetDocuments', () => {
  it('returns found and missing documents in request order', async () => {
    const collection = project.db.collection(unique('getall'));
    await collection.doc('b').set({ v: 'b' });
    await collection.doc('d').set({ v: 'd' });
    const snapshots = await project.db.getAll(
      collection.doc('a'),
      collection.doc('b'),
      collection.doc('c'),
      collection.doc('d'),
    );
    expect(snapshots.map((s) => [s.id, s.exists])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
      ['d', true],
    ]);
    expect(snapshots[1]?.get('v')).toBe('b');
  });

  it('reports missing documents by name on the wire', async () => {
    const name = `${databasePath(project.projectId)}/documents/${unique('raw')}/nothing`;
    const outcome = await rawCall('BatchGetDocuments', {
      database: databasePath(project.projectId),
      documents: [name],
    });
    expect(outcome.ok && outcome.responses.map((r) => r['missing'])).toEqual([name]);
    expect(outcome.ok && typeof outcome.responses[0]?.['readTime']).toBe('object');
  });
});

describe('BatchWrite (BulkWriter)', () => {
  it('applies many writes', async () => {
    const collection = project.db.collection(unique('bulk'));
    const writer = project.db.bulkWriter();
    for (let i = 0; i < 250; i++) void writer.set(collection.doc(`d${i}`), { i });
    await writer.close();
    expect((await collection.count().get()).data().count).toBe(250);
  });

  it('reports per-write failures while the other writes succeed', async () => {
    const collection = project.db.collection(unique('bulk'));
    await collection.doc('exists').set({ v: 1 });
    const writer = project.db.bulkWriter();
    const failures: { code: number }[] = [];
    writer.onWriteError((error) => {
      failures.push(error);
      return false;
    });
    const writes = [
      writer.create(collection.doc('exists'), { v: 2 }),
      writer.update(collection.doc('missing'), { v: 3 }),
      writer.set(collection.doc('fresh'), { v: 4 }),
      writer.update(collection.doc('exists'), { n: FieldValue.increment(1) }),
    ];
    const settled = Promise.allSettled(writes);
    await writer.close();
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled', 'fulfilled']);
    expect(failures.map((f) => f.code).sort()).toEqual([5, 6]);
    expect((await collection.doc('fresh').get()).get('v')).toBe(4);
    expect((await collection.doc('exists').get()).data()).toEqual({ v: 1, n: 1 });
  });

  it('returns one status per write on the wire', async () => {
    const db = databasePath(project.projectId);
    const collection = unique('raw-batch');
    const outcome = await rawCall('BatchWrite', {
      database: db,
      writes: [
        { update: { name: `${db}/documents/${collection}/ok`, fields: { v: { integerValue: 1 } } } },
        {
          update: { name: `${db}/documents/${collection}/nope`, fields: {} },
          currentDocument: { exists: true },
        },
      ],
    });
    if (!outcome.ok) throw new Error(outcome.details);
    const response = outcome.responses[0] ?? {};
    const statuses = (response['status'] as { code?: number }[]).map((s) => s.code ?? 0);
    expect(statuses).toEqual([0, 5]);
    const results = response['writeResults'] as Record<string, unknown>[];
    expect(results[0]?.['updateTime']).toBeDefined();
    expect(results[1]?.['updateTime']).toBeUndefined();
  });
});

describe('ListDocuments and ListCollectionIds', () => {
  it('listDocuments includes missing documents that have subcollections', async () => {
    const collection = project.db.collection(unique('list'));
    await collection.doc('real').set({ v: 1 });
    await collection.doc('ghost').collection('sub').doc('x').set({ v: 2 });
    const refs = await collection.listDocuments();
    expect(refs.map((r) => r.id).sort()).toEqual(['ghost', 'real']);
  });

  it('listDocuments pages through many documents', async () => {
    const collection = project.db.collection(unique('list'));
    const writer = project.db.bulkWriter();
    for (let i = 0; i < 450; i++) void writer.set(collection.doc(`d${String(i).padStart(3, '0')}`), { i });
    await writer.close();
    const refs = await collection.listDocuments();
    expect(refs).toHaveLength(450);
    expect(new Set(refs.map((r) => r.id)).size).toBe(450);
  });

  it('ListDocuments with show_missing on the wire returns missing documents without times', async () => {
    const collectionId = unique('wire');
    await project.db.doc(`${collectionId}/gone/child/x`).set({ v: 1 });
    const outcome = await rawCall('ListDocuments', {
      parent: `${databasePath(project.projectId)}/documents`,
      collectionId,
      showMissing: true,
    });
    if (!outcome.ok) throw new Error(outcome.details);
    const documents = outcome.responses[0]?.['documents'] as Record<string, unknown>[];
    expect(documents.map((d) => d['name'])).toEqual([
      `${databasePath(project.projectId)}/documents/${collectionId}/gone`,
    ]);
    expect(documents[0]?.['createTime']).toBeUndefined();
  });

  it('listCollections lists collections under a document and at the root', async () => {
    const parent = project.db.collection(unique('parent')).doc('p');
    await parent.collection('alpha').doc('a').set({});
    await parent.collection('beta').doc('b').collection('deep').doc('c').set({});
    const ids = (await parent.listCollections()).map((c) => c.id);
    expect(ids).toEqual(['alpha', 'beta']);
    const root = (await project.db.listCollections()).map((c) => c.id);
    expect(root).toContain(parent.parent.id);
  });

  it('a collection whose documents were all deleted is not listed', async () => {
    const parent = project.db.collection(unique('parent')).doc('p');
    await parent.collection('temp').doc('t').set({});
    await parent.collection('kept').doc('k').set({});
    await parent.collection('temp').doc('t').delete();
    expect((await parent.listCollections()).map((c) => c.id)).toEqual(['kept']);
  });

  it('recursiveDelete removes a document and everything below it', async () => {
    const root = project.db.collection(unique('tree')).doc('root');
    await root.set({ v: 0 });
    await root.collection('a').doc('1').set({});
    await root.collection('a').doc('1').collection('b').doc('2').set({});
    await root.collection('c').doc('3').set({});
    const sibling = root.parent.doc('sibling');
    await sibling.set({ keep: true });
    await project.db.recursiveDelete(root);
    expect((await root.get()).exists).toBe(false);
    expect((await root.listCollections()).length).toBe(0);
    expect((await root.collection('a').doc('1').collection('b').doc('2').get()).exists).toBe(false);
    expect((await sibling.get()).exists).toBe(true);
  });

  it('recursiveDelete of a collection removes its documents and their subcollections only', async () => {
    // The SDK bounds its kindless query with __name__ >= "<collection>/__id-9223372036854775808__"
    // and < "<collection>\0/__id-9223372036854775808__": the smallest numeric id.
    const parent = project.db.collection(unique('rdparent')).doc('p');
    const doomed = parent.collection('items');
    const sub = unique('rdsub');
    await doomed.doc('a').set({});
    await doomed.doc('__id7__').set({});
    await doomed.doc('a').collection(sub).doc('s').set({});
    await doomed.doc('ghost').collection(sub).doc('t').set({});
    const lookalikes = [parent.collection('items-2').doc('x'), parent.collection('itemsz').doc('y')];
    for (const ref of lookalikes) await ref.set({ keep: true });
    await parent.set({ keep: true });

    await project.db.recursiveDelete(doomed);

    expect((await doomed.get()).size).toBe(0);
    expect((await project.db.collectionGroup(sub).get()).size).toBe(0);
    for (const ref of [...lookalikes, parent]) expect((await ref.get()).exists).toBe(true);
  });
});
