import { alreadyExists, failedPrecondition, invalidArgument, notFound } from './errors.js';
import {
  deleteField,
  formatFieldPath,
  getField,
  isPrefixOf,
  parseFieldPath,
  setField,
  type FieldPath,
} from './field-path.js';
import { decodeFields, decodeTimestamp, decodeValue } from './proto/codec.js';
import type { FieldTransformProto, PreconditionProto, WriteProto } from './proto/types.js';
import { parseDocumentName, type DatabaseName } from './resource-names.js';
import { formatTimestamp, timestampsEqual, type Timestamp } from './timestamp.js';
import { applyTransform, type FieldTransform } from './transforms.js';
import { EMPTY_FIELDS, type MapFields, type Value } from './values.js';

export type Precondition = { readonly exists: boolean } | { readonly updateTime: Timestamp };

/** A validated write, ready to apply. */
export interface ParsedWrite {
  readonly kind: 'update' | 'delete' | 'transform';
  /** Document path relative to the database's documents root. */
  readonly path: string;
  readonly name: string;
  /** For `update`: the fields given. */
  readonly fields: MapFields;
  /** For `update`: the update mask (undefined replaces the whole document). */
  readonly mask: readonly FieldPath[] | undefined;
  readonly transforms: readonly FieldTransform[];
  readonly precondition: Precondition | undefined;
}

const RESERVED_FIELD = /^__.*__$/;
const MAX_DOCUMENT_BYTES = 1_048_576;

export function parseWrite(proto: WriteProto, db: DatabaseName): ParsedWrite {
  const precondition = parsePrecondition(proto.currentDocument);
  switch (proto.operation) {
    case 'update': {
      const document = proto.update;
      if (document === null || document === undefined) throw invalidArgument('Write.update must be set.');
      const path = parseDocumentName(db, document.name, 'document name');
      const fields = decodeFields(document.fields, db);
      const mask =
        proto.updateMask === null ? undefined : parseMask(proto.updateMask.fieldPaths, 'update_mask');
      const transforms = parseTransforms(proto.updateTransforms, db);
      return { kind: 'update', path, name: document.name, fields, mask, transforms, precondition };
    }
    case 'delete': {
      const name = proto.delete ?? '';
      const path = parseDocumentName(db, name, 'document name');
      if (proto.updateMask !== null)
        throw invalidArgument('update_mask can only be set for an update write.');
      if (proto.updateTransforms.length > 0)
        throw invalidArgument('update_transforms can only be set for an update write.');
      return {
        kind: 'delete',
        path,
        name,
        fields: EMPTY_FIELDS,
        mask: undefined,
        transforms: [],
        precondition,
      };
    }
    case 'transform': {
      const transform = proto.transform;
      if (transform === null || transform === undefined)
        throw invalidArgument('Write.transform must be set.');
      const path = parseDocumentName(db, transform.document, 'document name');
      if (proto.updateMask !== null)
        throw invalidArgument('update_mask can only be set for an update write.');
      if (proto.updateTransforms.length > 0)
        throw invalidArgument('update_transforms can only be set for an update write.');
      const transforms = parseTransforms(transform.fieldTransforms, db);
      if (transforms.length === 0)
        throw invalidArgument('A transform write must have at least one field transform.');
      return {
        kind: 'transform',
        path,
        name: transform.document,
        fields: EMPTY_FIELDS,
        mask: undefined,
        transforms,
        precondition,
      };
    }
    default:
      throw invalidArgument('A Write must set an operation: update, delete or transform.');
  }
}

function parsePrecondition(proto: PreconditionProto | null): Precondition | undefined {
  if (proto === null) return undefined;
  switch (proto.conditionType) {
    case 'exists':
      return { exists: proto.exists === true };
    case 'updateTime':
      if (proto.updateTime === null || proto.updateTime === undefined)
        throw invalidArgument('Precondition update_time is empty.');
      return { updateTime: decodeTimestamp(proto.updateTime, 'precondition update_time') };
    default:
      return undefined;
  }
}

export function parseMask(paths: readonly string[], what: string): FieldPath[] {
  const parsed = paths.map((text) => {
    const path = parseFieldPath(text);
    if (path.some((segment) => RESERVED_FIELD.test(segment))) {
      throw invalidArgument(
        `${what} contains a reserved field name: "${text}" (names matching __.*__ are reserved).`,
      );
    }
    return path;
  });
  assertNoOverlap(parsed, what);
  return parsed;
}

function assertNoOverlap(paths: readonly FieldPath[], what: string): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = 0; j < paths.length; j++) {
      const a = paths[i];
      const b = paths[j];
      if (i !== j && a !== undefined && b !== undefined && isPrefixOf(a, b)) {
        throw invalidArgument(
          a.length === b.length
            ? `${what} contains the field path "${formatFieldPath(a)}" more than once.`
            : `${what} contains both "${formatFieldPath(a)}" and its sub-field "${formatFieldPath(b)}".`,
        );
      }
    }
  }
}

function parseTransforms(protos: readonly FieldTransformProto[], db: DatabaseName): FieldTransform[] {
  const transforms = protos.map((proto) => parseTransform(proto, db));
  assertNoOverlap(
    transforms.map((t) => t.path),
    'field transforms',
  );
  return transforms;
}

function parseTransform(proto: FieldTransformProto, db: DatabaseName): FieldTransform {
  const path = parseFieldPath(proto.fieldPath);
  if (path.some((segment) => RESERVED_FIELD.test(segment))) {
    throw invalidArgument(`Cannot transform the reserved field "${proto.fieldPath}".`);
  }
  switch (proto.transformType) {
    case 'setToServerValue':
      if (proto.setToServerValue !== 1)
        throw invalidArgument(
          `Invalid server value for field "${proto.fieldPath}": only REQUEST_TIME is supported.`,
        );
      return { path, kind: 'serverTimestamp' };
    case 'increment':
    case 'maximum':
    case 'minimum': {
      const kind = proto.transformType;
      const operandProto = proto[kind];
      if (operandProto === null || operandProto === undefined)
        throw invalidArgument(`The ${kind} transform of "${proto.fieldPath}" has no value.`);
      const operand = decodeValue(operandProto, db);
      if (operand.type !== 'integer' && operand.type !== 'double') {
        throw invalidArgument(
          `The ${kind} transform of "${proto.fieldPath}" must have an integer or double value, not ${operand.type}.`,
        );
      }
      return { path, kind, operand };
    }
    case 'appendMissingElements':
    case 'removeAllFromArray': {
      const kind = proto.transformType;
      const values = proto[kind]?.values ?? [];
      const elements = values.map((value) => {
        if (value.valueType === 'arrayValue')
          throw invalidArgument('Cannot have an array value directly inside an array value.');
        return decodeValue(value, db, 1);
      });
      return { path, kind, elements };
    }
    default:
      throw invalidArgument(`The field transform of "${proto.fieldPath}" has no transformation set.`);
  }
}

/** A document's state while a commit is being applied. */
export interface WorkingDocument {
  readonly fields: MapFields | null;
  readonly updateTime: Timestamp | undefined;
}

export interface WriteOutcome {
  readonly fields: MapFields | null;
  readonly transformResults: readonly Value[];
}

/**
 * Applies one write to a document's state: checks the precondition, then the update (whole
 * document, or field by field under a mask: masked paths missing from the given fields are
 * deleted), then the field transforms, in order.
 */
export function applyWrite(write: ParsedWrite, state: WorkingDocument, commitTime: Timestamp): WriteOutcome {
  checkPrecondition(write, state);
  if (write.kind === 'delete') return { fields: null, transformResults: [] };

  let fields: MapFields;
  if (write.kind === 'transform') {
    fields = state.fields ?? EMPTY_FIELDS;
  } else if (write.mask === undefined) {
    fields = write.fields;
  } else {
    fields = state.fields ?? EMPTY_FIELDS;
    for (const path of write.mask) {
      const value = getField(write.fields, path);
      fields = value === undefined ? deleteField(fields, path) : setField(fields, path, value);
    }
  }
  const transformResults: Value[] = [];
  for (const transform of write.transforms) {
    const outcome = applyTransform(transform, getField(fields, transform.path), commitTime);
    fields = setField(fields, transform.path, outcome.value);
    transformResults.push(outcome.result);
  }
  return { fields, transformResults };
}

function checkPrecondition(write: ParsedWrite, state: WorkingDocument): void {
  const precondition = write.precondition;
  if (precondition === undefined) return;
  const exists = state.fields !== null;
  if ('exists' in precondition) {
    if (precondition.exists && !exists) {
      throw notFound(`No document to ${write.kind === 'delete' ? 'delete' : 'update'}: ${write.name}`);
    }
    if (!precondition.exists && exists) throw alreadyExists(`Document already exists: ${write.name}`);
    return;
  }
  if (!exists || state.updateTime === undefined) {
    throw failedPrecondition(`The document ${write.name} does not exist, so its update_time cannot match.`);
  }
  if (!timestampsEqual(state.updateTime, precondition.updateTime)) {
    throw failedPrecondition(
      `The document ${write.name} was last updated at ${formatTimestamp(state.updateTime)}, not at ` +
        `${formatTimestamp(precondition.updateTime)} as the precondition requires.`,
    );
  }
}

/** Firestore's storage size of a document, for the 1 MiB limit. */
export function checkDocumentSize(path: string, fields: MapFields): void {
  // Each path segment costs its bytes plus one: the slashes stand in for the separators.
  let size = 32 + 16 + stringSize(path) + 1;
  size += fieldsSize(fields);
  if (size > MAX_DOCUMENT_BYTES) {
    throw invalidArgument(
      `Document "${path}" cannot be written because its size (${size} bytes) exceeds the maximum allowed size of ${MAX_DOCUMENT_BYTES} bytes.`,
    );
  }
}

function fieldsSize(fields: MapFields): number {
  let size = 0;
  for (const [key, value] of fields) size += stringSize(key) + valueSize(value);
  return size;
}

function stringSize(text: string): number {
  // Fast path for ASCII, which is what nearly every key is.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return (ascii ? text.length : Buffer.byteLength(text, 'utf8')) + 1;
}

function valueSize(value: Value): number {
  switch (value.type) {
    case 'null':
    case 'boolean':
      return 1;
    case 'integer':
    case 'double':
    case 'timestamp':
      return 8;
    case 'geopoint':
      return 16;
    case 'string':
      return stringSize(value.value);
    case 'bytes':
      return value.value.length;
    case 'reference': {
      let size = 16;
      for (const segment of value.value.split('/').slice(5)) size += stringSize(segment);
      return size;
    }
    case 'array': {
      let size = 0;
      for (const item of value.values) size += valueSize(item);
      return size;
    }
    case 'map':
      return fieldsSize(value.fields);
  }
}
