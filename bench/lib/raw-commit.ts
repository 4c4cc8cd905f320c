/**
 * Fast seeding for benchmarks: Commit requests of 500 writes encoded straight from plain values
 * with the Firestore protos firebase-admin ships, sent through @grpc/grpc-js as raw bytes.
 * firebase-admin's own path (validation, field paths, its serializer) costs several times the
 * CPU per document and would make seeding a large data set the slowest part of a run; the data
 * a benchmark seeds is its own, so the checks buy nothing there.
 */
import { createRequire } from 'node:module';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { Timestamp } from 'firebase-admin/firestore';
import protobuf from 'protobufjs';

const COMMIT_PATH = '/google.firestore.v1.Firestore/Commit';
const WRITES_PER_COMMIT = 500;

type ProtoValue =
  | { nullValue: 0 }
  | { booleanValue: boolean }
  | { integerValue: number }
  | { doubleValue: number }
  | { stringValue: string }
  | { timestampValue: { seconds: number; nanos: number } }
  | { arrayValue: { values: ProtoValue[] } }
  | { mapValue: { fields: Record<string, ProtoValue> } };

function toValue(value: unknown): ProtoValue {
  if (value === null || value === undefined) return { nullValue: 0 };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { integerValue: value } : { doubleValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (value instanceof Timestamp)
    return { timestampValue: { seconds: value.seconds, nanos: value.nanoseconds } };
  if (value instanceof Date) {
    const ms = value.getTime();
    return { timestampValue: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 } };
  }
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toValue) } };
  if (typeof value === 'object') return { mapValue: { fields: toFields(value as Record<string, unknown>) } };
  throw new Error(`cannot seed a ${typeof value}`);
}

function toFields(data: Record<string, unknown>): Record<string, ProtoValue> {
  const fields: Record<string, ProtoValue> = {};
  for (const [name, value] of Object.entries(data)) if (value !== undefined) fields[name] = toValue(value);
  return fields;
}

export interface DocWriter {
  /** Queues a whole-document write (firebase-admin's `set`); resolves once there is room for more. */
  set(path: string, data: Record<string, unknown>): Promise<void>;
  /** Sends what is queued and waits for every commit. */
  close(): Promise<void>;
  readonly written: number;
}

/** Commits of 500 writes, `concurrency` in flight, to the emulator at `address` (host:port). */
export function rawDocWriter(address: string, projectId: string, concurrency = 4): DocWriter {
  const require = createRequire(import.meta.url);
  const root = protobuf.Root.fromJSON(
    require('@google-cloud/firestore/build/protos/v1.json') as protobuf.INamespace,
  );
  const CommitRequest = root.lookupType('google.firestore.v1.CommitRequest');
  const database = `projects/${projectId}/databases/(default)`;
  const client = new Client(address, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('google-cloud-resource-prefix', database);
  metadata.set('authorization', 'Bearer owner');
  const identity = (bytes: Buffer) => bytes;

  let writes: { update: { name: string; fields: Record<string, ProtoValue> } }[] = [];
  const inFlight = new Set<Promise<void>>();
  let written = 0;
  let failure: unknown;

  const commit = (batch: typeof writes) =>
    new Promise<void>((resolve, reject) => {
      const request = Buffer.from(CommitRequest.encode({ database, writes: batch }).finish());
      client.makeUnaryRequest(COMMIT_PATH, identity, identity, request, metadata, {}, (error) => {
        if (error !== null) return reject(error);
        written += batch.length;
        resolve();
      });
    });

  const send = async () => {
    if (writes.length === 0) return;
    const pending = commit(writes);
    writes = [];
    inFlight.add(pending);
    pending.then(
      () => inFlight.delete(pending),
      (error: unknown) => {
        inFlight.delete(pending);
        failure ??= error;
      },
    );
    while (inFlight.size >= concurrency) await Promise.race(inFlight).catch(() => undefined);
    if (failure !== undefined) throw failure;
  };

  return {
    get written() {
      return written;
    },
    async set(path, data) {
      writes.push({ update: { name: `${database}/documents/${path}`, fields: toFields(data) } });
      if (writes.length >= WRITES_PER_COMMIT) await send();
    },
    async close() {
      await send();
      await Promise.allSettled([...inFlight]);
      client.close();
      if (failure !== undefined) throw failure;
    },
  };
}
