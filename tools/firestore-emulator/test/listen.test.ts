import { FieldValue, type DocumentSnapshot, type Query, type QuerySnapshot } from 'firebase-admin/firestore';
import { afterEach, describe, expect, it } from 'vitest';
import { EventQueue, unique, useProject } from './helpers/firestore.js';

const project = useProject('listen');
const queues: EventQueue<unknown>[] = [];

afterEach(() => {
  for (const queue of queues.splice(0)) queue.unsubscribe();
});

function watchDoc(path: string): EventQueue<DocumentSnapshot> {
  const queue = new EventQueue<DocumentSnapshot>();
  queue.unsubscribe = project.db.doc(path).onSnapshot(queue.push, queue.fail);
  queues.push(queue as EventQueue<unknown>);
  return queue;
}

function watchQuery(query: Query): EventQueue<QuerySnapshot> {
  const queue = new EventQueue<QuerySnapshot>();
  queue.unsubscribe = query.onSnapshot(queue.push, queue.fail);
  queues.push(queue as EventQueue<unknown>);
  return queue;
}

const changes = (snapshot: QuerySnapshot) =>
  snapshot.docChanges().map((change) => `${change.type}:${change.doc.id}`);

describe('listen: documents', () => {
  it('sees a document created, modified and deleted, in order', async () => {
    const ref = project.db.collection(unique('doc')).doc('d');
    const queue = watchDoc(ref.path);
    const initial = await queue.next();
    expect(initial.exists).toBe(false);

    await ref.set({ v: 1 });
    const created = await queue.next((s) => s.exists);
    expect(created.get('v')).toBe(1);

    await ref.update({ v: 2 });
    const modified = await queue.next((s) => s.get('v') === 2);
    expect(modified.readTime.valueOf() > created.readTime.valueOf()).toBe(true);
    expect(modified.updateTime?.valueOf() ?? '').not.toBe(created.updateTime?.valueOf());

    await ref.delete();
    const deleted = await queue.next((s) => !s.exists);
    expect(deleted.readTime.valueOf() > modified.readTime.valueOf()).toBe(true);
  });

  it('starts with the current data of an existing document', async () => {
    const ref = project.db.collection(unique('doc')).doc('d');
    await ref.set({ hello: 'world' });
    const first = await watchDoc(ref.path).next();
    expect(first.data()).toEqual({ hello: 'world' });
  });

  it('two listeners on one document both see the change', async () => {
    const ref = project.db.collection(unique('doc')).doc('d');
    const one = watchDoc(ref.path);
    const two = watchDoc(ref.path);
    await one.next();
    await two.next();
    await ref.set({ v: 'shared' });
    expect((await one.next((s) => s.exists)).get('v')).toBe('shared');
    expect((await two.next((s) => s.exists)).get('v')).toBe('shared');
  });

  it('sees every state of a document updated in sequence', async () => {
    const ref = project.db.collection(unique('doc')).doc('d');
    await ref.set({ n: 0 });
    const queue = watchDoc(ref.path);
    await queue.next((s) => s.get('n') === 0);
    for (let i = 1; i <= 5; i++) {
      await ref.update({ n: FieldValue.increment(1) });
      expect((await queue.next()).get('n')).toBe(i);
    }
  });

  it('a write that changes nothing raises no snapshot', async () => {
    const ref = project.db.collection(unique('doc')).doc('d');
    await ref.set({ v: 1 });
    const queue = watchDoc(ref.path);
    await queue.next();
    await ref.set({ v: 1 });
    await ref.set({ v: 2 });
    expect((await queue.next()).get('v')).toBe(2);
  });
});

describe('listen: queries', () => {
  it('reports added, modified and removed documents', async () => {
    const collection = project.db.collection(unique('query'));
    await collection.doc('a').set({ status: 'open', n: 1 });
    await collection.doc('z').set({ status: 'closed', n: 1 });
    const queue = watchQuery(collection.where('status', '==', 'open'));
    const initial = await queue.next();
    expect(changes(initial)).toEqual(['added:a']);

    await collection.doc('b').set({ status: 'open', n: 2 });
    expect(changes(await queue.next())).toEqual(['added:b']);

    await collection.doc('a').update({ n: 5 });
    expect(changes(await queue.next())).toEqual(['modified:a']);

    await collection.doc('b').update({ status: 'closed' });
    const afterLeave = await queue.next();
    expect(changes(afterLeave)).toEqual(['removed:b']);
    expect(afterLeave.docs.map((d) => d.id)).toEqual(['a']);

    await collection.doc('a').delete();
    const afterDelete = await queue.next();
    expect(changes(afterDelete)).toEqual(['removed:a']);
    expect(afterDelete.empty).toBe(true);
  });

  it('keeps query order and reports a document entering through an update', async () => {
    const collection = project.db.collection(unique('query'));
    await collection.doc('x').set({ score: 10 });
    await collection.doc('y').set({ score: -1 });
    const queue = watchQuery(collection.where('score', '>', 0).orderBy('score', 'desc'));
    expect((await queue.next()).docs.map((d) => d.id)).toEqual(['x']);
    await collection.doc('y').update({ score: 20 });
    const snapshot = await queue.next();
    expect(changes(snapshot)).toEqual(['added:y']);
    expect(snapshot.docs.map((d) => d.id)).toEqual(['y', 'x']);
  });

  it('maintains a limit: a better document pushes the last one out', async () => {
    const collection = project.db.collection(unique('limit'));
    await collection.doc('a').set({ rank: 1 });
    await collection.doc('b').set({ rank: 2 });
    await collection.doc('c').set({ rank: 3 });
    const queue = watchQuery(collection.orderBy('rank').limit(2));
    expect((await queue.next()).docs.map((d) => d.id)).toEqual(['a', 'b']);
    await collection.doc('d').set({ rank: 0 });
    const snapshot = await queue.next();
    expect(snapshot.docs.map((d) => d.id)).toEqual(['d', 'a']);
    expect(changes(snapshot).sort()).toEqual(['added:d', 'removed:b']);
    await collection.doc('d').delete();
    expect((await queue.next()).docs.map((d) => d.id)).toEqual(['a', 'b']);
  });

  it('maintains a limitToLast query', async () => {
    const collection = project.db.collection(unique('last'));
    await collection.doc('a').set({ rank: 1 });
    await collection.doc('b').set({ rank: 2 });
    await collection.doc('c').set({ rank: 3 });
    const queue = watchQuery(collection.orderBy('rank').limitToLast(2));
    expect((await queue.next()).docs.map((d) => d.id)).toEqual(['b', 'c']);
    await collection.doc('d').set({ rank: 4 });
    const snapshot = await queue.next();
    expect(snapshot.docs.map((d) => d.id)).toEqual(['c', 'd']);
    expect(changes(snapshot).sort()).toEqual(['added:d', 'removed:b']);
  });

  it('delivers all changes of one batch in one snapshot', async () => {
    const collection = project.db.collection(unique('batch'));
    const queue = watchQuery(collection);
    expect((await queue.next()).empty).toBe(true);
    const batch = project.db.batch();
    batch.set(collection.doc('p'), { v: 1 });
    batch.set(collection.doc('q'), { v: 2 });
    batch.set(collection.doc('r'), { v: 3 });
    await batch.commit();
    const snapshot = await queue.next();
    expect(changes(snapshot)).toEqual(['added:p', 'added:q', 'added:r']);
  });

  it('read times of successive snapshots increase', async () => {
    const collection = project.db.collection(unique('times'));
    const queue = watchQuery(collection);
    const readTimes = [(await queue.next()).readTime];
    for (let i = 0; i < 3; i++) {
      await collection.doc(`d${i}`).set({ i });
      readTimes.push((await queue.next()).readTime);
    }
    for (let i = 1; i < readTimes.length; i++) {
      expect((readTimes[i]?.valueOf() ?? '') > (readTimes[i - 1]?.valueOf() ?? '')).toBe(true);
    }
  });

  it('listens to a collection group', async () => {
    const group = unique('group');
    const queue = watchQuery(project.db.collectionGroup(group).where('live', '==', true));
    await queue.next();
    await project.db.doc(`parents/p1/${group}/c1`).set({ live: true });
    expect(changes(await queue.next())).toEqual(['added:c1']);
    await project.db.doc(`parents/p2/${group}/c2`).set({ live: true });
    expect(changes(await queue.next())).toEqual(['added:c2']);
  });

  it('sees writes made by transactions and by BulkWriter', async () => {
    const collection = project.db.collection(unique('sources'));
    const queue = watchQuery(collection);
    await queue.next();
    await project.db.runTransaction(async (tx) => {
      await tx.get(collection.doc('t'));
      tx.set(collection.doc('t'), { by: 'transaction' });
    });
    expect(changes(await queue.next())).toEqual(['added:t']);
    const writer = project.db.bulkWriter();
    void writer.set(collection.doc('w'), { by: 'bulk' });
    await writer.close();
    expect(changes(await queue.next())).toEqual(['added:w']);
  });

  it('uses a listener to wait for another client to finish its work', async () => {
    const ref = project.db.collection(unique('wait')).doc('job');
    const queue = watchDoc(ref.path);
    await queue.next();
    const worker = project.client();
    void (async () => {
      await worker.doc(ref.path).set({ state: 'running' });
      await worker.doc(ref.path).update({ state: 'done', result: 42 });
    })();
    const done = await queue.next((s) => s.get('state') === 'done');
    expect(done.get('result')).toBe(42);
  });
});
