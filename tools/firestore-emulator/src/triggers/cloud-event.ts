import { randomUUID } from 'node:crypto';
import { formatFieldPath, type FieldPath } from '../field-path.js';
import { fieldsToJson, type JsonValue } from '../proto/json.js';
import type { AuthContext } from '../store/database.js';
import type { LiveDocument } from '../store/document.js';
import { formatTimestamp, type Timestamp } from '../timestamp.js';
import { valuesIdentical, type MapFields } from '../values.js';

export const DATA_SCHEMA =
  'https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/firestore/v1/data.proto';

export interface DocumentJson {
  name: string;
  fields: Record<string, JsonValue>;
  createTime: string;
  updateTime: string;
}

/** google.events.cloud.firestore.v1.DocumentEventData in proto3 JSON. */
export interface DocumentEventData {
  value?: DocumentJson;
  oldValue?: DocumentJson;
  updateMask?: { fieldPaths: string[] };
}

export interface CloudEvent {
  /** The `ce-*` attributes, unencoded. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly data: DocumentEventData;
}

export interface EventInput {
  readonly project: string;
  readonly database: string;
  readonly path: string;
  readonly eventType: string;
  readonly commitTime: Timestamp;
  readonly before: LiveDocument | undefined;
  readonly after: LiveDocument | undefined;
  readonly auth: AuthContext | undefined;
}

/**
 * A Firestore document event as Eventarc delivers it (CloudEvents 1.0, binary content mode),
 * with the data as DocumentEventData in JSON: firebase-functions' v2 Firestore triggers accept
 * `application/json` data of this shape (createSnapshotFromJson).
 */
export function buildCloudEvent(input: EventInput): CloudEvent {
  const attributes: Record<string, string> = {
    specversion: '1.0',
    id: randomUUID(),
    source: `//firestore.googleapis.com/projects/${input.project}/databases/${input.database}`,
    type: input.eventType,
    time: formatTimestamp(input.commitTime),
    subject: `documents/${input.path}`,
    datacontenttype: 'application/json',
    dataschema: DATA_SCHEMA,
    location: 'us-central1',
    project: input.project,
    database: input.database,
    namespace: '(default)',
    document: input.path,
  };
  if (input.eventType.endsWith('.withAuthContext')) {
    attributes['authtype'] = input.auth?.authType ?? 'unknown';
    if (input.auth?.authId !== undefined) attributes['authid'] = input.auth.authId;
  }
  const data: DocumentEventData = {};
  if (input.after !== undefined) data.value = documentJson(input.after);
  if (input.before !== undefined) data.oldValue = documentJson(input.before);
  if (input.before !== undefined && input.after !== undefined) {
    data.updateMask = {
      fieldPaths: changedPaths(input.before.fields, input.after.fields).map(formatFieldPath),
    };
  }
  return { attributes, data };
}

function documentJson(doc: LiveDocument): DocumentJson {
  return {
    name: doc.entry.name,
    fields: fieldsToJson(doc.fields),
    createTime: formatTimestamp(doc.createTime),
    updateTime: formatTimestamp(doc.updateTime),
  };
}

/** Paths of the fields that differ, descending into maps present on both sides. */
export function changedPaths(before: MapFields, after: MapFields, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  const keys = new Set([...before.keys(), ...after.keys()]);
  for (const key of [...keys].sort()) {
    const a = before.get(key);
    const b = after.get(key);
    const path = [...prefix, key];
    if (a?.type === 'map' && b?.type === 'map') out.push(...changedPaths(a.fields, b.fields, path));
    else if (a === undefined || b === undefined || !valuesIdentical(a, b)) out.push(path);
  }
  return out;
}

/**
 * HTTP header values must be printable ASCII, so other characters are percent-encoded as the
 * CloudEvents HTTP binding does (and "%" itself, so that decoding is unambiguous); firebase-
 * functions decodes path parameters with decodeURIComponent.
 */
export function encodeHeaderValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e && char !== '%') out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
