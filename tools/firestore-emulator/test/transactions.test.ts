import { FieldValue, type DocumentReference, type Firestore } from 'firebase-admin/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall } from './helpers/raw-grpc.js';

const project = useProject('transactions');
afterAll(() => closeRawClient());

function doc(prefix = 'tx'): DocumentReference {
  return project.db.collection(unique(prefix)).doc('d');
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe('transactions: read-modify-write', () => {
  it('50 concurrent transactional increments of one document end at exactly 50', async () => {
    const ref = doc('counter');
    await ref.set({ n: 0 });
    const attempts: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        let tries = 0;
        await project.db.runTransaction(async (tx) => {
          tries++;
          const snapshot = await tx.get(ref);
          tx.update(ref, { n: (snapshot.get('n') as number) + 1 });
        });
        attempts.push(tries);
      }),
    );
    expect((await ref.get()).get('n')).toBe(50);
    expect(attempts).toHaveLength(50);
  });

  it('concurrent transactions from independent clients serialize', async () => {
    const ref = doc('clients');
    await ref.set({ log: [] });
    const clients: Firestore[] = [project.client(), project.client(), project.client()];
    await Promise.all(
      Array.from({ length: 15 }, async (_, i) => {
        const db = clients[i % clients.length] ?? project.db;
        await db.runTransaction(async (tx) => {
          const snapshot = await tx.get(db.doc(ref.path));
          tx.update(db.doc(ref.path), { log: [...(snapshot.get('log') as number[]), i] });
        });
      }),
    );
    const log = (await ref.get()).get('log') as number[];
    expect([...log].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i));
  });

  it('creates a missing document exactly once under contention', async () => {
    const ref = doc('create-once');
    const created: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        project.db.runTransaction(async (tx) => {
          const snapshot = await tx.get(ref);
          if (snapshot.exists) tx.update(ref, { joins: FieldValue.increment(1) });
          else {
            tx.create(ref, { creator: i, joins: 1 });
            created.push(i);
          }
        }),
      ),
    );
    const data = (await ref.get()).data() ?? {};
    expect(data['joins']).toBe(10);
    expect(created).toContain(data['creator']);
  });

  it('transfers between documents conserve the total', async () => {
    const accounts = project.db.collection(unique('accounts'));
    const refs = Array.from({ length: 4 }, (_, i) => accounts.doc(`a${i}`));
    await Promise.all(refs.map((ref) => ref.set({ balance: 100 })));
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        project.db.runTransaction(async (tx) => {
          const from = refs[i % 4] as DocumentReference;
          const to = refs[(i * 3 + 1) % 4] as DocumentReference;
          if (from.path === to.path) return;
          const [a, b] = await tx.getAll(from, to);
          tx.update(from, { balance: (a?.get('balance') as number) - 7 });
          tx.update(to, { balance: (b?.get('balance') as number) + 7 });
        }),
      ),
    );
    const balances = await Promise.all(refs.map(async (ref) => (await ref.get()).get('balance') as number));
    expect(balances.reduce((sum, b) => sum + b, 0)).toBe(400);
  });

  it('a query inside a transaction protects against phantoms: sequence numbers stay unique', async () => {
    const items = project.db.collection(unique('sequence'));
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        project.db.runTransaction(async (tx) => {
          const existing = await tx.get(items);
          tx.set(items.doc(`item${i}`), { seq: existing.size });
        }),
      ),
    );
    const seqs = (await items.get()).docs.map((d) => d.get('seq') as number).sort((a, b) => a - b);
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('resolves a lock-order deadlock between two transactions and commits both', async () => {
    const a = doc('deadlock-a');
    const b = doc('deadlock-b');
    await a.set({ n: 0 });
    await b.set({ n: 0 });
    const bothReadFirst = { count: 0, barrier: deferred() };
    const arrive = async () => {
      bothReadFirst.count++;
      if (bothReadFirst.count === 2) bothReadFirst.barrier.resolve();
      await bothReadFirst.barrier.promise;
    };
    const run = (first: DocumentReference, second: DocumentReference) =>
      project.db.runTransaction(async (tx) => {
        const x = await tx.get(first);
        await arrive();
        const y = await tx.get(second);
        tx.update(first, { n: (x.get('n') as number) + 1 });
        tx.update(second, { n: (y.get('n') as number) + 1 });
      });
    await Promise.all([run(a, b), run(b, a)]);
    expect((await a.get()).get('n')).toBe(2);
    expect((await b.get()).get('n')).toBe(2);
  }, 90_000);

  it('transactions on different documents do not wait for each other', async () => {
    const a = doc('independent-a');
    const b = doc('independent-b');
    const aRead = deferred();
    const first = project.db.runTransaction(async (tx) => {
      await tx.get(a);
      aRead.resolve();
      // Holds its lock on `a` until the other transaction (on `b`) has committed.
      await second;
      tx.set(a, { done: true });
    });
    const second = (async () => {
      await aRead.promise;
      await project.db.runTransaction(async (tx) => {
        await tx.get(b);
        tx.set(b, { done: true });
      });
    })();
    await Promise.all([first, second]);
    expect((await a.get()).get('done')).toBe(true);
    expect((await b.get()).get('done')).toBe(true);
  });
});

describe('transactions: locks and other writers', () => {
  it('a non-transactional write to a read-locked document waits for the transaction', async () => {
    const ref = doc('waits');
    await ref.set({ v: 0 });
    const other = project.client();
    const order: string[] = [];
    let outside: Promise<unknown> = Promise.resolve();
    await project.db.runTransaction(async (tx) => {
      await tx.get(ref);
      outside = other
        .doc(ref.path)
        .set({ v: 10 })
        .then(() => order.push('outside'));
      // A full round trip on the other client: its write has reached the emulator by now.
      await other.doc(`${ref.parent.path}/unrelated`).get();
      tx.update(ref, { v: 1 });
      order.push('transaction-callback-done');
    });
    order.push('transaction-committed');
    await outside;
    expect(order).toEqual(['transaction-callback-done', 'transaction-committed', 'outside']);
    expect((await ref.get()).get('v')).toBe(10);
  });

  it('a rolled-back transaction releases its locks and writes nothing', async () => {
    const ref = doc('rollback');
    await ref.set({ v: 0 });
    await expect(
      project.db.runTransaction(async (tx) => {
        await tx.get(ref);
        tx.update(ref, { v: 1 });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await ref.update({ v: 2 });
    expect((await ref.get()).get('v')).toBe(2);
  });

  it('a transaction that only writes commits atomically', async () => {
    const collection = project.db.collection(unique('writes-only'));
    await project.db.runTransaction(async (tx) => {
      tx.set(collection.doc('a'), { v: 1 });
      tx.set(collection.doc('b'), { v: 2 });
    });
    expect((await collection.get()).size).toBe(2);
  });

  it('reads its data as committed, and the commit fails on a violated precondition', async () => {
    const ref = doc('precondition');
    await expect(
      project.db.runTransaction(async (tx) => {
        const snapshot = await tx.get(ref);
        expect(snapshot.exists).toBe(false);
        tx.update(ref, { v: 1 });
      }),
    ).rejects.toMatchObject({ code: 5 });
  });
});

describe('transactions: read-only', () => {
  it('reads a consistent snapshot even while others write', async () => {
    const ref = doc('snapshot');
    await ref.set({ v: 1 });
    const seen = await project.db.runTransaction(
      async (tx) => {
        const first = (await tx.get(ref)).get('v') as number;
        await project.client().doc(ref.path).set({ v: 2 });
        const second = (await tx.get(ref)).get('v') as number;
        return [first, second];
      },
      { readOnly: true },
    );
    expect(seen).toEqual([1, 1]);
    expect((await ref.get()).get('v')).toBe(2);
  });

  it('reads at a given read time', async () => {
    const ref = doc('at-time');
    await ref.set({ v: 'old' });
    const readTime = (await ref.get()).readTime;
    await ref.set({ v: 'new' });
    const value = await project.db.runTransaction(async (tx) => (await tx.get(ref)).get('v') as string, {
      readOnly: true,
      readTime,
    });
    expect(value).toBe('old');
  });

  it('rejects writes in a read-only transaction', async () => {
    const begun = await rawCall('BeginTransaction', {
      database: databasePath(project.projectId),
      options: { readOnly: {} },
    });
    if (!begun.ok) throw new Error(begun.details);
    const transaction = begun.responses[0]?.['transaction'];
    const commit = await rawCall('Commit', {
      database: databasePath(project.projectId),
      transaction,
      writes: [{ update: { name: `${databasePath(project.projectId)}/documents/ro/doc`, fields: {} } }],
    });
    expect(commit).toMatchObject({ ok: false, code: 3 });
  });
});

describe('transactions: server-side restrictions', () => {
  const database = () => databasePath(project.projectId);

  async function begin(options: Record<string, unknown> = { readWrite: {} }): Promise<string> {
    const begun = await rawCall('BeginTransaction', { database: database(), options });
    if (!begun.ok) throw new Error(begun.details);
    return begun.responses[0]?.['transaction'] as string;
  }

  it('BeginTransaction returns distinct ids', async () => {
    const ids = await Promise.all([begin(), begin(), begin()]);
    expect(new Set(ids).size).toBe(3);
    await Promise.all(ids.map((transaction) => rawCall('Rollback', { database: database(), transaction })));
  });

  it('Commit with an unknown transaction id is INVALID_ARGUMENT', async () => {
    const commit = await rawCall('Commit', {
      database: database(),
      transaction: Buffer.from('no such transaction').toString('base64'),
    });
    expect(commit).toMatchObject({ ok: false, code: 3 });
  });

  it('a transaction id cannot be committed twice', async () => {
    const transaction = await begin();
    expect((await rawCall('Commit', { database: database(), transaction })).ok).toBe(true);
    expect(await rawCall('Commit', { database: database(), transaction })).toMatchObject({
      ok: false,
      code: 3,
    });
  });

  it('a rolled-back transaction cannot be used', async () => {
    const transaction = await begin();
    expect((await rawCall('Rollback', { database: database(), transaction })).ok).toBe(true);
    const read = await rawCall('BatchGetDocuments', {
      database: database(),
      documents: [`${database()}/documents/x/y`],
      transaction,
    });
    expect(read).toMatchObject({ ok: false, code: 3 });
  });

  it('Rollback of an unknown transaction is INVALID_ARGUMENT', async () => {
    const rollback = await rawCall('Rollback', {
      database: database(),
      transaction: Buffer.from('bogus').toString('base64'),
    });
    expect(rollback).toMatchObject({ ok: false, code: 3 });
  });

  it('a transaction cannot be used with another database', async () => {
    const transaction = await begin();
    const read = await rawCall('BatchGetDocuments', {
      database: 'projects/demo-conformance-other/databases/(default)',
      documents: ['projects/demo-conformance-other/databases/(default)/documents/x/y'],
      transaction,
    });
    expect(read).toMatchObject({ ok: false, code: 3 });
    await rawCall('Rollback', { database: database(), transaction });
  });

  it('a read can begin a transaction and return its id', async () => {
    const read = await rawCall('BatchGetDocuments', {
      database: database(),
      documents: [`${database()}/documents/lazy/doc`],
      newTransaction: { readWrite: {} },
    });
    if (!read.ok) throw new Error(read.details);
    const transaction = read.responses[0]?.['transaction'];
    expect(typeof transaction).toBe('string');
    expect(read.responses[0]?.['missing']).toBe(`${database()}/documents/lazy/doc`);
    expect((await rawCall('Commit', { database: database(), transaction })).ok).toBe(true);
  });
});
