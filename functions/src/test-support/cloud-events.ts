/**
 * Re-sends Firestore "document created" events to the Functions emulator, the way the Firestore
 * emulator delivers them (CloudEvents binary mode, DocumentEventData as JSON), to test that
 * triggers are safe under at-least-once delivery.
 */
import { randomUUID } from 'node:crypto';
import { Timestamp, type DocumentSnapshot } from 'firebase-admin/firestore';
import { FUNCTIONS_HUB_URL, PROJECT_ID } from './emulators.js';

type JsonValue = Record<string, unknown>;

export function toValueJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return { nullValue: null };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { integerValue: String(value) } : { doubleValue: value };
  if (value instanceof Timestamp) return { timestampValue: value.toDate().toISOString() };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toValueJson) } };
  if (typeof value === 'object')
    return { mapValue: { fields: fieldsJson(value as Record<string, unknown>) } };
  throw new Error(`cannot encode ${typeof value}`);
}

function fieldsJson(data: Record<string, unknown>): Record<string, JsonValue> {
  return Object.fromEntries(Object.entries(data).map(([name, value]) => [name, toValueJson(value)]));
}

/** Delivers a created event for `snapshot` to `functionName`; resolves once the function finished. */
export async function redeliverCreated(functionName: string, snapshot: DocumentSnapshot): Promise<Response> {
  const path = snapshot.ref.path;
  const created = snapshot.createTime ?? Timestamp.now();
  const updated = snapshot.updateTime ?? created;
  const attributes: Record<string, string> = {
    specversion: '1.0',
    id: randomUUID(),
    source: `//firestore.googleapis.com/projects/${PROJECT_ID}/databases/(default)`,
    type: 'google.cloud.firestore.document.v1.created',
    time: created.toDate().toISOString(),
    subject: `documents/${path}`,
    datacontenttype: 'application/json',
    location: 'us-central1',
    project: PROJECT_ID,
    database: '(default)',
    namespace: '(default)',
    document: path,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [name, value] of Object.entries(attributes)) headers[`ce-${name}`] = value;
  const body = {
    value: {
      name: `projects/${PROJECT_ID}/databases/(default)/documents/${path}`,
      fields: fieldsJson(snapshot.data() ?? {}),
      createTime: created.toDate().toISOString(),
      updateTime: updated.toDate().toISOString(),
    },
  };
  // The Functions emulator names an event trigger `<region>-<name>-<index of its event filter>`.
  return fetch(
    `${FUNCTIONS_HUB_URL}/functions/projects/${PROJECT_ID}/triggers/us-central1-${functionName}-0`,
    {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    },
  );
}
