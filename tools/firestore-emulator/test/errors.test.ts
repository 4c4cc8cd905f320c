import { afterAll, describe, expect, it } from 'vitest';
import { databasePath, isKeymeter, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall, type RawOutcome } from './helpers/raw-grpc.js';

const project = useProject('errors');
afterAll(() => closeRawClient());

const INVALID_ARGUMENT = 3;
const NOT_FOUND = 5;
const FAILED_PRECONDITION = 9;

const db = () => databasePath(project.projectId);
const docName = (path: string) => `${db()}/documents/${path}`;

function expectCode(outcome: RawOutcome, code: number): void {
  expect(outcome.ok ? 'ok' : outcome.code).toBe(code);
  if (!outcome.ok) expect(outcome.details.length).toBeGreaterThan(0);
}

async function commit(writes: Record<string, unknown>[], database = db()): Promise<RawOutcome> {
  return rawCall('Commit', { database, writes });
}

async function runQuery(
  structuredQuery: Record<string, unknown>,
  parent = `${db()}/documents`,
): Promise<RawOutcome> {
  return rawCall('RunQuery', { parent, structuredQuery });
}

describe('errors: resource names', () => {
  it('a malformed database name is INVALID_ARGUMENT', async () => {
    expectCode(await commit([], 'projects/p/not-databases/x'), INVALID_ARGUMENT);
    expectCode(await commit([], 'nonsense'), INVALID_ARGUMENT);
  });

  it('a document in another project or database than the request is INVALID_ARGUMENT', async () => {
    expectCode(
      await commit([
        { update: { name: 'projects/some-other-project/databases/(default)/documents/c/d', fields: {} } },
      ]),
      INVALID_ARGUMENT,
    );
    expectCode(
      await commit([
        { update: { name: `projects/${project.projectId}/databases/other-db/documents/c/d`, fields: {} } },
      ]),
      INVALID_ARGUMENT,
    );
  });

  it('a collection path used as a document name is INVALID_ARGUMENT', async () => {
    expectCode(
      await commit([{ update: { name: docName('only-a-collection'), fields: {} } }]),
      INVALID_ARGUMENT,
    );
    expectCode(await rawCall('GetDocument', { name: docName('a/b/c') }), INVALID_ARGUMENT);
  });

  it('empty path segments and reserved ids are INVALID_ARGUMENT', async () => {
    expectCode(await commit([{ update: { name: docName('c//d'), fields: {} } }]), INVALID_ARGUMENT);
    expectCode(await commit([{ update: { name: docName('c/__reserved__'), fields: {} } }]), INVALID_ARGUMENT);
    for (const id of ['__id__', '__idx__', '__id1x__', '__id9223372036854775808__']) {
      expectCode(await commit([{ update: { name: docName(`c/${id}`), fields: {} } }]), INVALID_ARGUMENT);
    }
  });

  it('a numeric document id (__id<integer>__) is a valid name, in writes, reads and references', async () => {
    const collection = unique('numeric');
    const name = docName(`${collection}/__id42__`);
    const written = await commit([
      {
        update: {
          name,
          fields: { next: { referenceValue: docName(`${collection}/__id43__`) } },
        },
      },
    ]);
    expect(written.ok).toBe(true);
    const read = await rawCall('GetDocument', { name });
    expect(read.ok && read.responses[0]?.['name']).toBe(name);
  });

  it('GetDocument of a missing document is NOT_FOUND', async () => {
    expectCode(await rawCall('GetDocument', { name: docName(`${unique('missing')}/doc`) }), NOT_FOUND);
  });

  it('ListCollectionIds with a collection as parent is INVALID_ARGUMENT', async () => {
    expectCode(
      await rawCall('ListCollectionIds', { parent: docName('just-a-collection') }),
      INVALID_ARGUMENT,
    );
  });
});

describe('errors: writes', () => {
  it('a Write with no operation is INVALID_ARGUMENT', async () => {
    expectCode(await commit([{}]), INVALID_ARGUMENT);
  });

  it('an invalid field path in an update mask is INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('mask')}/d`);
    for (const path of ['a..b', '.a', 'a.', '`unterminated', 'has space']) {
      expectCode(
        await commit([{ update: { name, fields: {} }, updateMask: { fieldPaths: [path] } }]),
        INVALID_ARGUMENT,
      );
    }
  });

  it('an update mask naming a field twice is INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('mask')}/d`);
    expectCode(
      await commit([{ update: { name, fields: {} }, updateMask: { fieldPaths: ['a', 'a'] } }]),
      INVALID_ARGUMENT,
    );
  });

  it('an invalid transform is INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('transform')}/d`);
    const base = { update: { name, fields: {} }, updateMask: { fieldPaths: [] } };
    expectCode(
      await commit([{ ...base, updateTransforms: [{ fieldPath: 'n', increment: { stringValue: 'x' } }] }]),
      INVALID_ARGUMENT,
    );
    expectCode(await commit([{ ...base, updateTransforms: [{ fieldPath: 'n' }] }]), INVALID_ARGUMENT);
    expectCode(
      await commit([{ ...base, updateTransforms: [{ fieldPath: 'a..b', increment: { integerValue: 1 } }] }]),
      INVALID_ARGUMENT,
    );
    expectCode(
      await commit([
        {
          ...base,
          updateTransforms: [
            { fieldPath: 'n', increment: { integerValue: 1 } },
            { fieldPath: 'n', maximum: { integerValue: 1 } },
          ],
        },
      ]),
      INVALID_ARGUMENT,
    );
  });

  it('a value with no type, or an array directly in an array, is INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('values')}/d`);
    expectCode(await commit([{ update: { name, fields: { empty: {} } } }]), INVALID_ARGUMENT);
    expectCode(
      await commit([
        {
          update: { name, fields: { nested: { arrayValue: { values: [{ arrayValue: { values: [] } }] } } } },
        },
      ]),
      INVALID_ARGUMENT,
    );
  });

  it('out-of-range timestamps and geo points are INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('range')}/d`);
    expectCode(
      await commit([{ update: { name, fields: { t: { timestampValue: { seconds: 253402300800 } } } } }]),
      INVALID_ARGUMENT,
    );
    expectCode(
      await commit([{ update: { name, fields: { g: { geoPointValue: { latitude: 91, longitude: 0 } } } } }]),
      INVALID_ARGUMENT,
    );
  });

  it('a reference value that is not a document name is INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('refs')}/d`);
    expectCode(
      await commit([{ update: { name, fields: { r: { referenceValue: 'not/a/valid/reference' } } } }]),
      INVALID_ARGUMENT,
    );
  });

  it('a stale update_time precondition is FAILED_PRECONDITION', async () => {
    const name = docName(`${unique('precondition')}/d`);
    const first = await commit([{ update: { name, fields: { v: { integerValue: 1 } } } }]);
    if (!first.ok) throw new Error(first.details);
    await commit([{ update: { name, fields: { v: { integerValue: 2 } } } }]);
    const stale = (first.responses[0]?.['writeResults'] as { updateTime: unknown }[])[0]?.updateTime;
    expectCode(await commit([{ delete: name, currentDocument: { updateTime: stale } }]), FAILED_PRECONDITION);
  });

  it('BatchWrite writing one document twice is INVALID_ARGUMENT', async () => {
    const name = docName(`${unique('dup')}/d`);
    const outcome = await rawCall('BatchWrite', {
      database: db(),
      writes: [{ update: { name, fields: {} } }, { delete: name }],
    });
    expectCode(outcome, INVALID_ARGUMENT);
  });

  it('a failed commit applies none of its writes', async () => {
    const collection = unique('atomic');
    const outcome = await commit([
      { update: { name: docName(`${collection}/first`), fields: { v: { integerValue: 1 } } } },
      { update: { name: docName(`${collection}/second`), fields: {} }, currentDocument: { exists: true } },
    ]);
    expectCode(outcome, NOT_FOUND);
    expectCode(await rawCall('GetDocument', { name: docName(`${collection}/first`) }), NOT_FOUND);
  });
});

describe('errors: queries', () => {
  const from = () => [{ collectionId: unique('q') }];

  it('a query without exactly one collection selector is INVALID_ARGUMENT', async () => {
    expectCode(await runQuery({ from: [] }), INVALID_ARGUMENT);
    expectCode(await runQuery({ from: [{ collectionId: 'a' }, { collectionId: 'b' }] }), INVALID_ARGUMENT);
  });

  it('a cursor with more values than the order-by clauses is INVALID_ARGUMENT', async () => {
    expectCode(
      await runQuery({
        from: from(),
        orderBy: [{ field: { fieldPath: 'a' }, direction: 'ASCENDING' }],
        startAt: {
          values: [{ integerValue: 1 }, { referenceValue: docName('c/d') }, { integerValue: 3 }],
          before: true,
        },
      }),
      INVALID_ARGUMENT,
    );
  });

  it('a __name__ cursor that is not a reference is INVALID_ARGUMENT', async () => {
    expectCode(
      await runQuery({
        from: from(),
        orderBy: [{ field: { fieldPath: '__name__' } }],
        startAt: { values: [{ stringValue: 'x' }] },
      }),
      INVALID_ARGUMENT,
    );
  });

  it('IN or NOT_IN without a non-empty array is INVALID_ARGUMENT', async () => {
    for (const op of ['IN', 'NOT_IN', 'ARRAY_CONTAINS_ANY']) {
      expectCode(
        await runQuery({
          from: from(),
          where: { fieldFilter: { field: { fieldPath: 'a' }, op, value: { arrayValue: { values: [] } } } },
        }),
        INVALID_ARGUMENT,
      );
      expectCode(
        await runQuery({
          from: from(),
          where: { fieldFilter: { field: { fieldPath: 'a' }, op, value: { integerValue: 1 } } },
        }),
        INVALID_ARGUMENT,
      );
    }
  });

  it('an unspecified operator, field or value is INVALID_ARGUMENT', async () => {
    expectCode(
      await runQuery({
        from: from(),
        where: {
          fieldFilter: { field: { fieldPath: 'a' }, op: 'OPERATOR_UNSPECIFIED', value: { integerValue: 1 } },
        },
      }),
      INVALID_ARGUMENT,
    );
    expectCode(
      await runQuery({ from: from(), where: { fieldFilter: { op: 'EQUAL', value: { integerValue: 1 } } } }),
      INVALID_ARGUMENT,
    );
    expectCode(
      await runQuery({ from: from(), where: { fieldFilter: { field: { fieldPath: 'a' }, op: 'EQUAL' } } }),
      INVALID_ARGUMENT,
    );
    expectCode(
      await runQuery({ from: from(), where: { compositeFilter: { op: 'AND', filters: [] } } }),
      INVALID_ARGUMENT,
    );
  });

  it('invalid field paths in order_by and filters are INVALID_ARGUMENT', async () => {
    expectCode(
      await runQuery({ from: from(), orderBy: [{ field: { fieldPath: 'a..b' } }] }),
      INVALID_ARGUMENT,
    );
    expectCode(
      await runQuery({
        from: from(),
        where: { unaryFilter: { op: 'IS_NULL', field: { fieldPath: 'bad path' } } },
      }),
      INVALID_ARGUMENT,
    );
  });

  it('two NOT_IN filters, or NOT_IN with NOT_EQUAL, are INVALID_ARGUMENT', async () => {
    const notIn = (fieldPath: string) => ({
      fieldFilter: {
        field: { fieldPath },
        op: 'NOT_IN',
        value: { arrayValue: { values: [{ integerValue: 1 }] } },
      },
    });
    const notEqual = {
      fieldFilter: { field: { fieldPath: 'c' }, op: 'NOT_EQUAL', value: { integerValue: 1 } },
    };
    expectCode(
      await runQuery({
        from: from(),
        where: { compositeFilter: { op: 'AND', filters: [notIn('a'), notIn('b')] } },
      }),
      INVALID_ARGUMENT,
    );
    expectCode(
      await runQuery({
        from: from(),
        where: { compositeFilter: { op: 'AND', filters: [notIn('a'), notEqual] } },
      }),
      INVALID_ARGUMENT,
    );
  });

  it('more than 30 disjunctions is INVALID_ARGUMENT', async () => {
    const values = Array.from({ length: 31 }, (_, i) => ({ integerValue: i }));
    expectCode(
      await runQuery({
        from: from(),
        where: { fieldFilter: { field: { fieldPath: 'a' }, op: 'IN', value: { arrayValue: { values } } } },
      }),
      INVALID_ARGUMENT,
    );
  });

  it('a negative limit or offset is INVALID_ARGUMENT', async () => {
    expectCode(await runQuery({ from: from(), limit: { value: -1 } }), INVALID_ARGUMENT);
    expectCode(await runQuery({ from: from(), offset: -5 }), INVALID_ARGUMENT);
  });

  it('RunQuery without a structured query is INVALID_ARGUMENT', async () => {
    expectCode(await rawCall('RunQuery', { parent: `${db()}/documents` }), INVALID_ARGUMENT);
  });

  it('duplicate aggregation aliases are INVALID_ARGUMENT', async () => {
    const outcome = await rawCall('RunAggregationQuery', {
      parent: `${db()}/documents`,
      structuredAggregationQuery: {
        structuredQuery: { from: from() },
        aggregations: [
          { alias: 'x', count: {} },
          { alias: 'x', sum: { field: { fieldPath: 'a' } } },
        ],
      },
    });
    expectCode(outcome, INVALID_ARGUMENT);
  });

  it('a sum without a field is INVALID_ARGUMENT', async () => {
    const outcome = await rawCall('RunAggregationQuery', {
      parent: `${db()}/documents`,
      structuredAggregationQuery: {
        structuredQuery: { from: from() },
        aggregations: [{ alias: 's', sum: {} }],
      },
    });
    expectCode(outcome, INVALID_ARGUMENT);
  });
});

describe('errors: the server stays up', () => {
  it('undecodable request bytes get an error status, and the server keeps answering', async () => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const outcome = await rawCall('Commit', garbage);
    expect(outcome.ok).toBe(false);
    if (isKeymeter() && !outcome.ok) expect(outcome.code).toBe(INVALID_ARGUMENT);
    const after = await rawCall('BatchGetDocuments', { database: db(), documents: [docName('still/here')] });
    expect(after.ok).toBe(true);
  });

  it.runIf(isKeymeter())('an unimplemented RPC answers UNIMPLEMENTED, naming it', async () => {
    const { Client, credentials } = await import('@grpc/grpc-js');
    const { emulatorHost } = await import('./helpers/firestore.js');
    const client = new Client(emulatorHost(), credentials.createInsecure());
    const status = await new Promise<{ code: number; details: string }>((resolve) => {
      const call = client.makeBidiStreamRequest(
        '/google.firestore.v1.Firestore/Write',
        (b: Buffer) => b,
        (b: Buffer) => b,
      );
      call.on('error', (error: { code: number; details: string }) => resolve(error));
      call.on('data', () => undefined);
      call.write(Buffer.alloc(0));
    });
    client.close();
    expect(status.code).toBe(12);
    expect(status.details).toBe('Firestore.Write is not implemented by the Keymeter Firestore emulator.');
  });
});
