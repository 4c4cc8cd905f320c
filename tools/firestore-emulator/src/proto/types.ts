/**
 * Shapes of the google.firestore.v1 messages as protobufjs decodes them (camelCase fields,
 * int64 as Long or number, bytes as Uint8Array, enums as numbers, unset messages as null) and as
 * we hand them to its encoder. Only the fields the emulator reads or writes are listed.
 */

export interface LongBits {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}
export type Int64 = number | LongBits;

export interface TimestampProto {
  readonly seconds: Int64;
  readonly nanos: number;
}

export interface ValueProto {
  /** protobufjs's oneof getter: the name of the member that is set. */
  readonly valueType?: string;
  readonly nullValue?: number;
  readonly booleanValue?: boolean;
  readonly integerValue?: Int64;
  readonly doubleValue?: number;
  readonly timestampValue?: TimestampProto | null;
  readonly stringValue?: string;
  readonly bytesValue?: Uint8Array;
  readonly referenceValue?: string;
  readonly geoPointValue?: { readonly latitude: number; readonly longitude: number } | null;
  readonly arrayValue?: { readonly values: readonly ValueProto[] } | null;
  readonly mapValue?: { readonly fields: Readonly<Record<string, ValueProto>> } | null;
}

export interface DocumentProto {
  readonly name: string;
  readonly fields: Readonly<Record<string, ValueProto>>;
  readonly createTime: TimestampProto | null;
  readonly updateTime: TimestampProto | null;
}

export interface DocumentMaskProto {
  readonly fieldPaths: readonly string[];
}

export interface PreconditionProto {
  readonly conditionType?: string;
  readonly exists?: boolean;
  readonly updateTime?: TimestampProto | null;
}

export interface FieldTransformProto {
  readonly fieldPath: string;
  readonly transformType?: string;
  readonly setToServerValue?: number;
  readonly increment?: ValueProto | null;
  readonly maximum?: ValueProto | null;
  readonly minimum?: ValueProto | null;
  readonly appendMissingElements?: { readonly values: readonly ValueProto[] } | null;
  readonly removeAllFromArray?: { readonly values: readonly ValueProto[] } | null;
}

export interface WriteProto {
  readonly operation?: string;
  readonly update?: DocumentProto | null;
  readonly delete?: string;
  readonly transform?: {
    readonly document: string;
    readonly fieldTransforms: readonly FieldTransformProto[];
  } | null;
  readonly updateMask: DocumentMaskProto | null;
  readonly updateTransforms: readonly FieldTransformProto[];
  readonly currentDocument: PreconditionProto | null;
}

export interface TransactionOptionsProto {
  readonly mode?: string;
  readonly readOnly?: {
    readonly consistencySelector?: string;
    readonly readTime?: TimestampProto | null;
  } | null;
  readonly readWrite?: { readonly retryTransaction: Uint8Array } | null;
}

/** The consistency selector shared by the read RPCs. */
export interface ConsistencyProto {
  readonly consistencySelector?: string;
  readonly transaction?: Uint8Array;
  readonly newTransaction?: TransactionOptionsProto | null;
  readonly readTime?: TimestampProto | null;
}

export interface GetDocumentRequestProto extends ConsistencyProto {
  readonly name: string;
  readonly mask: DocumentMaskProto | null;
}

export interface ListDocumentsRequestProto extends ConsistencyProto {
  readonly parent: string;
  readonly collectionId: string;
  readonly pageSize: number;
  readonly pageToken: string;
  readonly orderBy: string;
  readonly mask: DocumentMaskProto | null;
  readonly showMissing: boolean;
}

export interface CreateDocumentRequestProto {
  readonly parent: string;
  readonly collectionId: string;
  readonly documentId: string;
  readonly document: DocumentProto | null;
  readonly mask: DocumentMaskProto | null;
}

export interface UpdateDocumentRequestProto {
  readonly document: DocumentProto | null;
  readonly updateMask: DocumentMaskProto | null;
  readonly mask: DocumentMaskProto | null;
  readonly currentDocument: PreconditionProto | null;
}

export interface DeleteDocumentRequestProto {
  readonly name: string;
  readonly currentDocument: PreconditionProto | null;
}

export interface BatchGetDocumentsRequestProto extends ConsistencyProto {
  readonly database: string;
  readonly documents: readonly string[];
  readonly mask: DocumentMaskProto | null;
}

export interface BeginTransactionRequestProto {
  readonly database: string;
  readonly options: TransactionOptionsProto | null;
}

export interface CommitRequestProto {
  readonly database: string;
  readonly writes: readonly WriteProto[];
  readonly transaction: Uint8Array;
}

export interface RollbackRequestProto {
  readonly database: string;
  readonly transaction: Uint8Array;
}

export interface FieldReferenceProto {
  readonly fieldPath: string;
}

export interface FilterProto {
  readonly filterType?: string;
  readonly compositeFilter?: { readonly op: number; readonly filters: readonly FilterProto[] } | null;
  readonly fieldFilter?: {
    readonly field: FieldReferenceProto | null;
    readonly op: number;
    readonly value: ValueProto | null;
  } | null;
  readonly unaryFilter?: {
    readonly op: number;
    readonly operandType?: string;
    readonly field?: FieldReferenceProto | null;
  } | null;
}

export interface CursorProto {
  readonly values: readonly ValueProto[];
  readonly before: boolean;
}

export interface StructuredQueryProto {
  readonly select: { readonly fields: readonly FieldReferenceProto[] } | null;
  readonly from: readonly { readonly collectionId: string; readonly allDescendants: boolean }[];
  readonly where: FilterProto | null;
  readonly orderBy: readonly { readonly field: FieldReferenceProto | null; readonly direction: number }[];
  readonly startAt: CursorProto | null;
  readonly endAt: CursorProto | null;
  readonly offset: number;
  readonly limit: { readonly value: number } | null;
  readonly findNearest: FindNearestProto | null;
}

export interface FindNearestProto {
  readonly vectorField: FieldReferenceProto | null;
  readonly queryVector: ValueProto | null;
  readonly distanceMeasure: number;
  readonly limit: { readonly value: number } | null;
  readonly distanceResultField: string;
  readonly distanceThreshold: { readonly value: number } | null;
}

export interface ExplainOptionsProto {
  readonly analyze: boolean;
}

export interface RunQueryRequestProto extends ConsistencyProto {
  readonly parent: string;
  readonly structuredQuery: StructuredQueryProto | null;
  readonly explainOptions: ExplainOptionsProto | null;
}

export interface AggregationProto {
  readonly operator?: string;
  readonly count?: { readonly upTo: { readonly value: Int64 } | null } | null;
  readonly sum?: { readonly field: FieldReferenceProto | null } | null;
  readonly avg?: { readonly field: FieldReferenceProto | null } | null;
  readonly alias: string;
}

export interface RunAggregationQueryRequestProto extends ConsistencyProto {
  readonly parent: string;
  readonly structuredAggregationQuery: {
    readonly structuredQuery: StructuredQueryProto | null;
    readonly aggregations: readonly AggregationProto[];
  } | null;
  readonly explainOptions: ExplainOptionsProto | null;
}

export interface PartitionQueryRequestProto {
  readonly parent: string;
  readonly structuredQuery: StructuredQueryProto | null;
  readonly partitionCount: Int64;
  readonly pageToken: string;
  readonly pageSize: number;
  readonly readTime: TimestampProto | null;
}

export interface ListCollectionIdsRequestProto {
  readonly parent: string;
  readonly pageSize: number;
  readonly pageToken: string;
  readonly readTime: TimestampProto | null;
}

export interface BatchWriteRequestProto {
  readonly database: string;
  readonly writes: readonly WriteProto[];
}

export interface TargetProto {
  readonly targetType?: string;
  readonly query?: { readonly parent: string; readonly structuredQuery: StructuredQueryProto | null } | null;
  readonly documents?: { readonly documents: readonly string[] } | null;
  readonly resumeType?: string;
  readonly resumeToken?: Uint8Array;
  readonly readTime?: TimestampProto | null;
  readonly targetId: number;
  readonly once: boolean;
}

export interface ListenRequestProto {
  readonly database: string;
  readonly targetChange?: string;
  readonly addTarget?: TargetProto | null;
  readonly removeTarget?: number;
}

/** Objects handed to the encoder. */
export interface TimestampOut {
  seconds: number;
  nanos: number;
}

export type ValueOut =
  | { nullValue: 0 }
  | { booleanValue: boolean }
  | { integerValue: Int64 }
  | { doubleValue: number }
  | { timestampValue: TimestampOut }
  | { stringValue: string }
  | { bytesValue: Uint8Array }
  | { referenceValue: string }
  | { geoPointValue: { latitude: number; longitude: number } }
  | { arrayValue: { values: ValueOut[] } }
  | { mapValue: { fields: Record<string, ValueOut> } };

export interface DocumentOut {
  name: string;
  fields: Record<string, ValueOut>;
  createTime: TimestampOut;
  updateTime: TimestampOut;
}

export interface StatusOut {
  code: number;
  message: string;
}
