import {
  FieldValue,
  type CollectionReference,
  type DocumentSnapshot,
  type Query,
} from 'firebase-admin/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databasePath, unique, useProject } from './helpers/firestore.js';
import { closeRawClient, rawCall } from './helpers/raw-grpc.js';

const project = useProject('explain');
afterAll(() => closeRawClient());

// firebase-admin/firestore does not re-export the type; it is what Query.explain resolves to.
type ExplainMetrics = Awaited<ReturnType<Query['explain']>>['metrics'];

let c: CollectionReference;
beforeAll(async () => {
  c = project.db.collection(unique('explain'));
  const batch = project.db.batch();
  batch.set(c.doc('doc1'), { foo: 1, bar: 0, embedding: FieldValue.vector([1, 0]) });
  batch.set(c.doc('doc2'), { foo: 2, bar: 1, embedding: FieldValue.vector([0, 1]) });
  batch.set(c.doc('doc3'), { foo: 1, bar: 2, embedding: FieldValue.vector([1, 1]) });
  await batch.commit();
});

function expectPlan(metrics: ExplainMetrics): void {
  expect(metrics.planSummary.indexesUsed.length).toBeGreaterThan(0);
}

function expectStats(metrics: ExplainMetrics, resultsReturned: number): void {
  const stats = metrics.executionStats;
  expect(stats).not.toBeNull();
  expect(stats?.resultsReturned).toBe(resultsReturned);
  expect(stats?.readOperations).toBeGreaterThan(0);
  const duration = stats?.executionDuration;
  expect((duration?.seconds ?? 0) > 0 || (duration?.nanoseconds ?? 0) > 0).toBe(true);
  expect(Object.keys(stats?.debugStats ?? {}).length).toBeGreaterThan(0);
}

interface StreamedItem {
  document?: DocumentSnapshot;
  metrics?: ExplainMetrics;
}

/** Every item explainStream() emits: one per response of the RunQuery stream. */
async function streamed(query: Query, analyze: boolean | undefined): Promise<StreamedItem[]> {
  const items: StreamedItem[] = [];
  const stream = query.explainStream(analyze === undefined ? undefined : { analyze });
  for await (const item of stream) items.push(item as StreamedItem);
  return items;
}

describe('explain: queries', () => {
  it('without analyze plans the query and returns no results', async () => {
    for (const options of [undefined, { analyze: false }]) {
      const results = await c.where('foo', '>', 1).explain(options);
      expectPlan(results.metrics);
      expect(results.metrics.executionStats).toBeNull();
      expect(results.snapshot).toBeNull();
    }
  });

  it('with analyze runs the query and returns its results with execution stats', async () => {
    const results = await c.where('foo', '==', 1).explain({ analyze: true });
    expectPlan(results.metrics);
    expectStats(results.metrics, 2);
    expect(results.snapshot?.docs.map((doc) => doc.id)).toEqual(['doc1', 'doc3']);
  });

  it('with analyze and no matching documents still returns an (empty) snapshot', async () => {
    const results = await c.where('foo', '==', 12345).explain({ analyze: true });
    expectStats(results.metrics, 0);
    expect(results.snapshot?.size).toBe(0);
    expect(results.snapshot?.readTime.toMillis()).toBeGreaterThan(0);
  });

  it('streams the metrics with the last document, not in a response of their own', async () => {
    const items = await streamed(c.where('foo', '==', 1), true);
    expect(items.map((item) => [item.document?.id, item.metrics !== undefined])).toEqual([
      ['doc1', false],
      ['doc3', true],
    ]);
    const metrics = items[1]?.metrics;
    expect(metrics).toBeDefined();
    if (metrics !== undefined) expectStats(metrics, 2);
  });

  it('streams exactly one response, the plan, without analyze', async () => {
    for (const analyze of [undefined, false]) {
      const items = await streamed(c, analyze);
      expect(items).toHaveLength(1);
      expect(items[0]?.document).toBeUndefined();
      expect(items[0]?.metrics?.executionStats).toBeNull();
    }
  });

  it('on the wire: documents and read times first, explain_metrics once, on the last result', async () => {
    const run = (analyze: boolean, value: number) =>
      rawCall('RunQuery', {
        parent: `${databasePath(project.projectId)}/documents`,
        structuredQuery: {
          from: [{ collectionId: c.id }],
          where: {
            fieldFilter: { field: { fieldPath: 'foo' }, op: 'EQUAL', value: { integerValue: value } },
          },
        },
        explainOptions: { analyze },
      });
    const shape = (response: Record<string, unknown>) =>
      ['document', 'readTime', 'explainMetrics'].filter((key) => response[key] !== undefined);

    const analyzed = await run(true, 1);
    expect(analyzed.ok && analyzed.responses.map(shape)).toEqual([
      ['document', 'readTime'],
      ['document', 'readTime', 'explainMetrics'],
    ]);
    const empty = await run(true, 99);
    expect(empty.ok && empty.responses.map(shape)).toEqual([['readTime', 'explainMetrics']]);
    const planned = await run(false, 1);
    expect(planned.ok && planned.responses.map(shape)).toEqual([['explainMetrics']]);
  });
});

describe('explain: aggregations', () => {
  it('without analyze plans the aggregation and returns no result', async () => {
    const results = await c.where('foo', '>', 0).count().explain();
    expectPlan(results.metrics);
    expect(results.metrics.executionStats).toBeNull();
    expect(results.snapshot).toBeNull();
  });

  it('with analyze returns the result with execution stats in the same response', async () => {
    const results = await c.where('foo', '<', 3).count().explain({ analyze: true });
    expectPlan(results.metrics);
    expectStats(results.metrics, 1);
    expect(results.snapshot?.data().count).toBe(3);

    const outcome = await rawCall('RunAggregationQuery', {
      parent: `${databasePath(project.projectId)}/documents`,
      structuredAggregationQuery: {
        structuredQuery: { from: [{ collectionId: c.id }] },
        aggregations: [{ alias: 'n', count: {} }],
      },
      explainOptions: { analyze: true },
    });
    expect(outcome.ok && outcome.responses.map((response) => Object.keys(response).sort())).toEqual([
      ['explainMetrics', 'readTime', 'result'],
    ]);
  });
});

describe('explain: vector queries', () => {
  // VectorQuery.explain exists at run time but not in firebase-admin's typings: on the wire.
  const run = (analyze: boolean) =>
    rawCall('RunQuery', {
      parent: `${databasePath(project.projectId)}/documents`,
      structuredQuery: {
        from: [{ collectionId: c.id }],
        findNearest: {
          vectorField: { fieldPath: 'embedding' },
          queryVector: {
            mapValue: {
              fields: {
                __type__: { stringValue: '__vector__' },
                value: { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 3 }] } },
              },
            },
          },
          distanceMeasure: 'COSINE',
          limit: { value: 10 },
        },
      },
      explainOptions: { analyze },
    });
  interface Response {
    document?: { name: string };
    explainMetrics?: { planSummary?: unknown; executionStats?: { resultsReturned?: string } };
  }

  it('without analyze plans the vector query', async () => {
    const outcome = await run(false);
    const responses = (outcome.ok ? outcome.responses : []) as Response[];
    expect(responses).toHaveLength(1);
    expect(responses[0]?.explainMetrics?.planSummary).toBeDefined();
    expect(responses[0]?.explainMetrics?.executionStats).toBeUndefined();
  });

  it('with analyze returns the nearest documents and execution stats on the last', async () => {
    const outcome = await run(true);
    const responses = (outcome.ok ? outcome.responses : []) as Response[];
    expect(responses.map((response) => response.document?.name.split('/').pop())).toEqual([
      'doc2',
      'doc3',
      'doc1',
    ]);
    expect(responses.map((response) => response.explainMetrics?.executionStats?.resultsReturned)).toEqual([
      undefined,
      undefined,
      '3',
    ]);
  });
});
