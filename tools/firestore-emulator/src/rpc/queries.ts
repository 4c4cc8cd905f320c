import type { ServerWritableStream } from '@grpc/grpc-js';
import type { EmulatorContext } from '../context.js';
import { invalidArgument } from '../errors.js';
import {
  bigIntToInt64,
  encodeDocument,
  encodeTimestamp,
  encodeValue,
  int64ToNumber,
} from '../proto/codec.js';
import type {
  PartitionQueryRequestProto,
  RunAggregationQueryRequestProto,
  RunQueryRequestProto,
  StructuredQueryProto,
} from '../proto/types.js';
import { aggregate, aggregatedFields, aggregationReads, parseAggregations } from '../query/aggregation.js';
import { runQuery } from '../query/execute.js';
import type { Query } from '../query/model.js';
import { parseStructuredQuery } from '../query/parse.js';
import type { ReadCoordinator } from '../reads.js';
import { databaseOf, parseParentName, type DatabaseName } from '../resource-names.js';
import type { Database } from '../store/database.js';
import type { LiveDocument } from '../store/document.js';
import type { Response } from './common.js';

/** RunQuery, RunAggregationQuery (with explain options) and PartitionQuery. */
export class QueryRpcs {
  constructor(
    private readonly context: EmulatorContext,
    private readonly reads: ReadCoordinator,
  ) {}

  private parseQuery(
    parent: string,
    structuredQuery: StructuredQueryProto | null,
  ): { name: DatabaseName; db: Database; query: Query } {
    const name = databaseOf(parent, 'parent');
    const db = this.context.databases.get(name);
    const parentPath = parseParentName(name, parent);
    if (structuredQuery === null) throw invalidArgument('The request must contain a structured_query.');
    return { name, db, query: parseStructuredQuery(structuredQuery, parentPath, name) };
  }

  async runQuery(
    request: RunQueryRequestProto,
    call: ServerWritableStream<unknown, Response>,
  ): Promise<void> {
    const { db, query } = this.parseQuery(request.parent, request.structuredQuery);
    const scope = this.reads.scope(db, request, true);
    const explain = request.explainOptions;
    try {
      await this.reads.lockQuery(db, scope, query);
    } catch (error) {
      this.reads.failed(scope);
      throw error;
    }
    const transaction = scope.begun?.token;
    if (explain !== null && !explain.analyze) {
      call.write({
        ...(transaction === undefined ? {} : { transaction }),
        explainMetrics: { planSummary: planSummary(query) },
      });
      return;
    }
    const started = process.hrtime.bigint();
    const readTime = encodeTimestamp(this.reads.responseReadTime(scope));
    const documents = runQuery(db, query, scope.historicTime);
    const reads = Math.max(1, documents.length);
    this.context.stats.reads += reads;
    // Firestore sends the explain metrics once, on the last response that carries a result (the
    // last document, or the read time of an empty result), not in a response of their own.
    const explainMetrics =
      explain === null
        ? undefined
        : {
            planSummary: planSummary(query),
            executionStats: executionStats(documents.length, reads, started),
          };
    const last = Math.max(0, documents.length - 1);
    for (let i = 0; i <= last; i++) {
      const doc = documents[i];
      const response: Record<string, unknown> = { readTime };
      if (doc !== undefined) response['document'] = encodeDocument(doc, query.projection);
      if (i === 0 && transaction !== undefined) response['transaction'] = transaction;
      if (i === last && explainMetrics !== undefined) response['explainMetrics'] = explainMetrics;
      call.write(response);
    }
  }

  async runAggregationQuery(
    request: RunAggregationQueryRequestProto,
    call: ServerWritableStream<unknown, Response>,
  ): Promise<void> {
    const aggregationQuery = request.structuredAggregationQuery;
    if (aggregationQuery === null)
      throw invalidArgument('The request must contain a structured_aggregation_query.');
    const { db, query } = this.parseQuery(request.parent, aggregationQuery.structuredQuery);
    const aggregations = parseAggregations(aggregationQuery.aggregations);
    const scope = this.reads.scope(db, request, true);
    try {
      await this.reads.lockQuery(db, scope, query);
    } catch (error) {
      this.reads.failed(scope);
      throw error;
    }
    const transaction = scope.begun?.token;
    const explain = request.explainOptions;
    if (explain !== null && !explain.analyze) {
      call.write({
        ...(transaction === undefined ? {} : { transaction }),
        explainMetrics: { planSummary: planSummary(query) },
      });
      return;
    }
    const started = process.hrtime.bigint();
    const readTime = encodeTimestamp(this.reads.responseReadTime(scope));
    const documents = runQuery(
      db,
      { ...query, projection: undefined, requiredFields: aggregatedFields(aggregations) },
      scope.historicTime,
    );
    const reads = aggregationReads(documents.length);
    this.context.stats.reads += reads;
    const result = aggregate(aggregations, documents);
    const aggregateFields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const [alias, value] of result) aggregateFields[alias] = encodeValue(value);
    call.write({
      result: { aggregateFields },
      readTime,
      ...(transaction === undefined ? {} : { transaction }),
      ...(explain === null
        ? {}
        : {
            explainMetrics: {
              planSummary: planSummary(query),
              executionStats: executionStats(1, reads, started),
            },
          }),
    });
  }

  partitionQuery(request: PartitionQueryRequestProto): Response {
    const { db, query } = this.parseQuery(request.parent, request.structuredQuery);
    if (
      !query.allDescendants ||
      query.filter !== undefined ||
      !query.nameOrderOnly ||
      query.orders[0]?.descending === true ||
      query.findNearest !== undefined
    ) {
      throw invalidArgument(
        'PartitionQuery requires a collection group query ordered by __name__ ascending, without filters or find_nearest.',
      );
    }
    const partitionCount = int64ToNumber(request.partitionCount);
    if (partitionCount <= 0) throw invalidArgument('partition_count must be positive.');
    const readTime = request.readTime === null ? undefined : this.reads.readTime(request.readTime);
    const documents = runQuery(db, query, readTime);
    const points: LiveDocument[] = [];
    const splits = Math.min(partitionCount, documents.length);
    for (let i = 1; i <= splits; i++) {
      const doc = documents[Math.floor((i * documents.length) / (splits + 1))];
      if (doc !== undefined && points[points.length - 1] !== doc) points.push(doc);
    }
    return {
      partitions: points.map((doc) => ({ values: [{ referenceValue: doc.entry.name }], before: false })),
      nextPageToken: '',
    };
  }
}

function planSummary(query: Query): { indexesUsed: object[] } {
  const properties = query.orders
    .map((order) => `${order.path.join('.')} ${order.descending ? 'DESC' : 'ASC'}`)
    .join(', ');
  return {
    indexesUsed: [
      {
        fields: {
          query_scope: { stringValue: query.allDescendants ? 'Collection group' : 'Collection' },
          properties: { stringValue: `(${properties})` },
        },
      },
    ],
  };
}

function executionStats(resultsReturned: number, readOperations: number, started: bigint): object {
  const nanos = Number(process.hrtime.bigint() - started);
  return {
    resultsReturned: bigIntToInt64(BigInt(resultsReturned)),
    readOperations: bigIntToInt64(BigInt(readOperations)),
    executionDuration: { seconds: Math.floor(nanos / 1e9), nanos: nanos % 1e9 },
    debugStats: { fields: { documents_scanned: { stringValue: String(resultsReturned) } } },
  };
}
