import http from 'node:http';
import { getApps, initializeApp } from 'firebase-admin/app';
import { FieldValue, type Firestore } from 'firebase-admin/firestore';
import { onDocumentWritten } from 'firebase-functions/v2/firestore';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { EventQueue, databasePath, rest, unique, useProject } from './helpers/firestore.js';

/**
 * Keymeter-specific: trigger delivery needs a Functions emulator at the address the emulator was
 * started with, so these run when the suite started the emulator itself. A tiny HTTP server
 * stands in for the Functions emulator and records what it receives.
 */
const functionsPort = inject('functionsPort');
const project = useProject('triggers');

interface Delivery {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

type Responder = (delivery: Delivery) => Promise<number> | number;

let server: http.Server | undefined;
let deliveries = new EventQueue<Delivery>();
let responder: Responder = () => 200;
const registered: string[] = [];

const triggerPath = (id: string) => `/functions/projects/${project.projectId}/triggers/${id}`;
const documentsRoot = () => `${databasePath(project.projectId)}/documents`;
const header = (delivery: Delivery, name: string) => {
  const value = delivery.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

async function register(
  eventType: string,
  value: string,
  matchType: 'EXACT' | 'PATH_PATTERN',
  id = unique('trigger'),
): Promise<string> {
  const response = await rest(
    'POST',
    `/emulator/v1/projects/${project.projectId}/eventarcTrigger?eventarcTriggerId=${id}`,
    {
      eventType: `google.cloud.firestore.document.v1.${eventType}`,
      database: '(default)',
      namespace: '(default)',
      document: { value, matchType },
    },
  );
  expect(response.status).toBe(200);
  registered.push(id);
  return id;
}

async function counts(): Promise<{ pending: number; delivered: number; failed: number }> {
  return (await rest('GET', `/emulator/v1/projects/${project.projectId}/triggerDeliveries`)).json() as {
    pending: number;
    delivered: number;
    failed: number;
  };
}

/** Waits (on the emulator's side, event-driven) until no delivery of this project is pending. */
async function settled(): Promise<void> {
  const response = await rest(
    'GET',
    `/emulator/v1/projects/${project.projectId}/triggerDeliveries?waitForIdleMs=20000`,
  );
  const { pending } = response.json() as { pending: number };
  if (pending !== 0) throw new Error(`${pending} deliveries still pending after 20 s`);
}

/** The event as the Functions emulator's runtime builds it from a binary-mode CloudEvent. */
function asCloudEvent(delivery: Delivery): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(delivery.headers)) {
    if (name.startsWith('ce-') && typeof value === 'string') event[name.slice(3)] = value;
  }
  event['data'] = delivery.body;
  return event;
}

describe.runIf(functionsPort !== null)('triggers: registration and delivery (Keymeter-specific)', () => {
  let db: Firestore;

  beforeAll(async () => {
    db = project.db;
    if (getApps().every((app) => app.name !== '[DEFAULT]')) initializeApp({ projectId: project.projectId });
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const delivery: Delivery = {
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
        };
        void Promise.resolve(responder(delivery)).then((status) => {
          response.writeHead(status, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ status: status === 200 ? 'acknowledged' : 'error' }));
          if (status === 200) deliveries.push(delivery);
        });
      });
    });
    await new Promise<void>((resolve) => server?.listen(functionsPort ?? 0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await settled();
    for (const id of registered.splice(0)) {
      await rest(
        'DELETE',
        `/emulator/v1/projects/${project.projectId}/eventarcTrigger?eventarcTriggerId=${id}`,
      );
    }
    responder = () => 200;
    deliveries = new EventQueue<Delivery>();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('delivers a created event as a binary-mode CloudEvent with DocumentEventData JSON', async () => {
    const collection = unique('created');
    const id = await register('created', `${collection}/doc1`, 'EXACT');
    const ref = db.doc(`${collection}/doc1`);
    await ref.set({ name: 'Ada', count: 3, ratio: 0.5, tags: ['x'], nested: { ok: true }, nothing: null });
    const snapshot = await ref.get();
    const delivery = await deliveries.next();

    expect(delivery.method).toBe('POST');
    expect(delivery.path).toBe(triggerPath(id));
    expect(header(delivery, 'content-type')).toMatch(/^application\/json/);
    expect(header(delivery, 'ce-specversion')).toBe('1.0');
    expect(header(delivery, 'ce-type')).toBe('google.cloud.firestore.document.v1.created');
    expect(header(delivery, 'ce-source')).toBe(
      `//firestore.googleapis.com/projects/${project.projectId}/databases/(default)`,
    );
    expect(header(delivery, 'ce-subject')).toBe(`documents/${collection}/doc1`);
    expect(header(delivery, 'ce-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(header(delivery, 'ce-time') ?? '')).toBe(snapshot.updateTime?.toMillis());
    expect(header(delivery, 'ce-datacontenttype')).toBe('application/json');
    expect(header(delivery, 'ce-dataschema')).toContain('google/events/cloud/firestore/v1/data.proto');
    expect(header(delivery, 'ce-project')).toBe(project.projectId);
    expect(header(delivery, 'ce-database')).toBe('(default)');
    expect(header(delivery, 'ce-namespace')).toBe('(default)');
    expect(header(delivery, 'ce-document')).toBe(`${collection}/doc1`);
    expect(header(delivery, 'ce-authtype')).toBeUndefined();

    expect(delivery.body['oldValue']).toBeUndefined();
    expect(delivery.body['updateMask']).toBeUndefined();
    expect(delivery.body['value']).toEqual({
      name: `${documentsRoot()}/${collection}/doc1`,
      fields: {
        name: { stringValue: 'Ada' },
        count: { integerValue: '3' },
        ratio: { doubleValue: 0.5 },
        tags: { arrayValue: { values: [{ stringValue: 'x' }] } },
        nested: { mapValue: { fields: { ok: { booleanValue: true } } } },
        nothing: { nullValue: null },
      },
      createTime: expect.stringMatching(/Z$/) as unknown,
      updateTime: expect.stringMatching(/Z$/) as unknown,
    });
    const value = delivery.body['value'] as { createTime: string; updateTime: string };
    expect(Date.parse(value.updateTime)).toBe(snapshot.updateTime?.toMillis());
  });

  it('an updated event carries the old value, the new value and the changed field paths', async () => {
    const collection = unique('updated');
    const ref = db.doc(`${collection}/doc`);
    await ref.set({ a: 1, b: 'same', m: { x: 1, y: 2 }, gone: true });
    await register('updated', `${collection}/doc`, 'EXACT');
    await ref.update({ a: 2, 'm.y': 3, gone: FieldValue.delete(), added: 'new' });
    const delivery = await deliveries.next();
    const oldFields = (delivery.body['oldValue'] as { fields: Record<string, unknown> }).fields;
    const newFields = (delivery.body['value'] as { fields: Record<string, unknown> }).fields;
    expect(oldFields['a']).toEqual({ integerValue: '1' });
    expect(newFields['a']).toEqual({ integerValue: '2' });
    expect(newFields['gone']).toBeUndefined();
    expect((delivery.body['updateMask'] as { fieldPaths: string[] }).fieldPaths.sort()).toEqual([
      'a',
      'added',
      'gone',
      'm.y',
    ]);
  });

  it('a deleted event carries only the old value', async () => {
    const collection = unique('deleted');
    const ref = db.doc(`${collection}/doc`);
    await ref.set({ v: 1 });
    await register('deleted', `${collection}/doc`, 'EXACT');
    await ref.delete();
    const delivery = await deliveries.next();
    expect(header(delivery, 'ce-type')).toBe('google.cloud.firestore.document.v1.deleted');
    expect(delivery.body['value']).toBeUndefined();
    expect((delivery.body['oldValue'] as { fields: unknown }).fields).toEqual({ v: { integerValue: '1' } });
  });

  it('a written trigger fires for create, update and delete, in order', async () => {
    const collection = unique('written');
    await register('written', `${collection}/doc`, 'EXACT');
    const ref = db.doc(`${collection}/doc`);
    await ref.set({ step: 1 });
    await ref.update({ step: 2 });
    await ref.delete();
    const kinds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const body = (await deliveries.next()).body;
      kinds.push(
        `${body['oldValue'] === undefined ? '-' : 'old'}/${body['value'] === undefined ? '-' : 'new'}`,
      );
    }
    expect(kinds).toEqual(['-/new', 'old/new', 'old/-']);
  });

  it('matches {param} path patterns segment by segment', async () => {
    const users = unique('users');
    await register('created', `${users}/{uid}/keys/{keyId}`, 'PATH_PATTERN');
    await db.doc(`${users}/alice`).set({ no: 'match' });
    await db.doc(`${users}/alice/other/k1`).set({ no: 'match' });
    await db.doc(`${users}/alice/keys/k1`).set({ yes: 1 });
    await db.doc(`${users}/alice/keys/k1/deeper/x`).set({ no: 'match' });
    const delivery = await deliveries.next();
    expect(header(delivery, 'ce-document')).toBe(`${users}/alice/keys/k1`);
    await settled();
    expect(deliveries.pending()).toHaveLength(0);
  });

  it('matches {param=**} at any depth', async () => {
    const logs = unique('logs');
    await register('created', `${logs}/{rest=**}`, 'PATH_PATTERN');
    await db.doc(`${logs}/a`).set({});
    await db.doc(`${logs}/a/b/c`).set({});
    const documents = [
      header(await deliveries.next(), 'ce-document'),
      header(await deliveries.next(), 'ce-document'),
    ];
    expect(documents.sort()).toEqual([`${logs}/a`, `${logs}/a/b/c`]);
  });

  it('registering an existing id replaces the registration', async () => {
    const collection = unique('replace');
    const id = await register('created', `${collection}/first`, 'EXACT');
    await register('created', `${collection}/second`, 'EXACT', id);
    await db.doc(`${collection}/first`).set({});
    await db.doc(`${collection}/second`).set({});
    const delivery = await deliveries.next();
    expect(header(delivery, 'ce-document')).toBe(`${collection}/second`);
    await settled();
    expect(deliveries.pending()).toHaveLength(0);
  });

  it('DELETE of a registration stops its deliveries', async () => {
    const collection = unique('unregister');
    const id = await register('created', `${collection}/{id}`, 'PATH_PATTERN');
    const removed = await rest(
      'DELETE',
      `/emulator/v1/projects/${project.projectId}/eventarcTrigger?eventarcTriggerId=${id}`,
    );
    expect(removed.status).toBe(200);
    const before = await counts();
    await db.doc(`${collection}/x`).set({});
    await settled();
    expect((await counts()).delivered).toBe(before.delivered);
  });

  it('withAuthContext events name the Admin SDK caller', async () => {
    const collection = unique('auth');
    await register('created.withAuthContext', `${collection}/{id}`, 'PATH_PATTERN');
    await db.doc(`${collection}/x`).set({});
    const delivery = await deliveries.next();
    expect(header(delivery, 'ce-type')).toBe('google.cloud.firestore.document.v1.created.withAuthContext');
    expect(header(delivery, 'ce-authtype')).toBe('service_account');
  });

  it('a write that changes nothing fires nothing, and neither does clearing the data', async () => {
    const collection = unique('noop');
    const ref = db.doc(`${collection}/doc`);
    await ref.set({ v: 1 });
    await register('written', `${collection}/doc`, 'EXACT');
    await ref.set({ v: 1 });
    await rest('DELETE', `/emulator/v1/${databasePath(project.projectId)}/documents`);
    await ref.set({ v: 2 });
    const delivery = await deliveries.next();
    expect((delivery.body['value'] as { fields: unknown }).fields).toEqual({ v: { integerValue: '2' } });
    expect(delivery.body['oldValue']).toBeUndefined();
  });

  it('transactions and batches fire one event per changed document', async () => {
    const collection = unique('txn');
    await register('created', `${collection}/{id}`, 'PATH_PATTERN');
    await db.runTransaction(async (tx) => {
      await tx.get(db.doc(`${collection}/a`));
      tx.set(db.doc(`${collection}/a`), {});
      tx.set(db.doc(`${collection}/b`), {});
    });
    const documents = [
      header(await deliveries.next(), 'ce-document'),
      header(await deliveries.next(), 'ce-document'),
    ];
    expect(documents.sort()).toEqual([`${collection}/a`, `${collection}/b`]);
  });

  it('triggers of another project do not fire', async () => {
    const collection = unique('projects');
    const elsewhere = `/emulator/v1/projects/demo-conformance-elsewhere/eventarcTrigger?eventarcTriggerId=${unique('x')}`;
    const response = await rest('POST', elsewhere, {
      eventType: 'google.cloud.firestore.document.v1.created',
      database: '(default)',
      namespace: '(default)',
      document: { value: `${collection}/{id}`, matchType: 'PATH_PATTERN' },
    });
    expect(response.status).toBe(200);
    const before = await counts();
    await db.doc(`${collection}/x`).set({});
    await settled();
    expect(await counts()).toEqual(before);
    expect((await rest('DELETE', elsewhere)).status).toBe(200);
  });

  it('delivers in commit order per document without blocking commits while the Functions emulator is busy', async () => {
    const collection = unique('busy');
    const ref = db.doc(`${collection}/counter`);
    await register('written', `${collection}/counter`, 'EXACT');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    responder = async () => {
      await gate;
      return 200;
    };
    for (let i = 1; i <= 12; i++) await ref.set({ n: i });
    // All twelve commits finished while the first delivery is still unanswered.
    expect((await counts()).pending).toBe(12);
    release();
    const seen: string[] = [];
    for (let i = 1; i <= 12; i++) {
      const body = (await deliveries.next()).body;
      const oldN =
        (body['oldValue'] as { fields: { n: { integerValue: string } } } | undefined)?.fields.n
          .integerValue ?? '-';
      const newN = (body['value'] as { fields: { n: { integerValue: string } } }).fields.n.integerValue;
      seen.push(`${oldN}>${newN}`);
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `${i === 0 ? '-' : i}>${i + 1}`));
  });

  it('retries while the Functions emulator answers 503, and a failing function (500) three times in all', async () => {
    const collection = unique('retry');
    await register('created', `${collection}/{id}`, 'PATH_PATTERN');
    const attempts = new Map<string, number>();
    responder = (delivery) => {
      const document = header(delivery, 'ce-document') ?? '';
      const attempt = (attempts.get(document) ?? 0) + 1;
      attempts.set(document, attempt);
      if (document.endsWith('/flaky')) return attempt < 3 ? 503 : 200;
      return 500;
    };
    const before = await counts();
    await db.doc(`${collection}/flaky`).set({});
    await db.doc(`${collection}/broken`).set({});
    const delivery = await deliveries.next();
    expect(header(delivery, 'ce-document')).toBe(`${collection}/flaky`);
    await settled();
    expect(attempts.get(`${collection}/flaky`)).toBe(3);
    expect(attempts.get(`${collection}/broken`)).toBe(3);
    const after = await counts();
    expect(after.delivered - before.delivered).toBe(1);
    expect(after.failed - before.failed).toBe(1);
  });

  it('firebase-functions decodes the delivered event into before/after snapshots and params', async () => {
    const collection = unique('decode');
    await register('written', `${collection}/{docId}`, 'PATH_PATTERN');
    const ref = db.doc(`${collection}/item-1`);
    await ref.set({ status: 'new', total: 1 });
    await ref.update({ status: 'paid', total: FieldValue.increment(41), at: new Date(Date.UTC(2026, 0, 2)) });
    await deliveries.next();
    const update = await deliveries.next();

    let seen: Record<string, unknown> = {};
    const handler = onDocumentWritten(`${collection}/{docId}`, (event) => {
      seen = {
        params: event.params,
        before: event.data?.before.data(),
        after: event.data?.after.data(),
        afterId: event.data?.after.id,
        afterPath: event.data?.after.ref.path,
        document: event.document,
      };
    });
    await handler(asCloudEvent(update) as unknown as Parameters<typeof handler>[0]);
    expect(seen['params']).toEqual({ docId: 'item-1' });
    expect(seen['before']).toEqual({ status: 'new', total: 1 });
    expect(seen['afterId']).toBe('item-1');
    expect(seen['afterPath']).toBe(`${collection}/item-1`);
    expect(seen['document']).toBe(`${collection}/item-1`);
    const after = seen['after'] as Record<string, unknown>;
    expect(after['status']).toBe('paid');
    expect(after['total']).toBe(42);
    expect((after['at'] as { toDate(): Date }).toDate().toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });

  it('percent-encodes non-ASCII document paths in headers, which firebase-functions decodes in params', async () => {
    const collection = unique('unicode');
    await register('created', `${collection}/{docId}`, 'PATH_PATTERN');
    await db.doc(`${collection}/café ☕`).set({ v: 1 });
    const delivery = await deliveries.next();
    expect(header(delivery, 'ce-document')).toBe(`${collection}/caf%C3%A9 %E2%98%95`);
    let params: Record<string, string> = {};
    const handler = onDocumentWritten(`${collection}/{docId}`, (event) => {
      params = event.params;
    });
    await handler(asCloudEvent(delivery) as unknown as Parameters<typeof handler>[0]);
    expect(params).toEqual({ docId: 'café ☕' });
    expect((delivery.body['value'] as { name: string }).name).toBe(
      `${documentsRoot()}/${collection}/café ☕`,
    );
  });

  it('rejects a registration with an unsupported event type', async () => {
    const response = await rest(
      'POST',
      `/emulator/v1/projects/${project.projectId}/eventarcTrigger?eventarcTriggerId=${unique('bad')}`,
      {
        eventType: 'google.cloud.firestore.document.v1.renamed',
        database: '(default)',
        namespace: '(default)',
        document: { value: 'a/b', matchType: 'EXACT' },
      },
    );
    expect(response.status).toBe(400);
  });
});
