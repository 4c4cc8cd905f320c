import { createRequire } from 'node:module';
import { credentials, Metadata, Client, type ServiceError } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { emulatorHost } from './firestore.js';

const require = createRequire(import.meta.url);

/**
 * A bare gRPC client for google.firestore.v1.Firestore, using the protos @google-cloud/firestore
 * ships: it sends requests the SDK would refuse to build (bad names, empty writes, garbage bytes).
 */
const root = protobuf.Root.fromJSON(
  require('@google-cloud/firestore/build/protos/v1.json') as protobuf.INamespace,
);

export type RawOutcome =
  { ok: true; responses: Record<string, unknown>[] } | { ok: false; code: number; details: string };

let client: Client | undefined;

function grpcClient(): Client {
  client ??= new Client(emulatorHost(), credentials.createInsecure());
  return client;
}

export function closeRawClient(): void {
  client?.close();
  client = undefined;
}

function types(method: string): { request: protobuf.Type; response: protobuf.Type; streaming: boolean } {
  const service = root.lookupService('google.firestore.v1.Firestore');
  const definition = service.methods[method];
  if (definition === undefined) throw new Error(`unknown method ${method}`);
  definition.resolve();
  const request = definition.resolvedRequestType;
  const response = definition.resolvedResponseType;
  if (request === null || response === null) throw new Error(`unresolved ${method}`);
  return { request, response, streaming: definition.responseStream === true };
}

/** Calls `method` with `request` (a message object, or raw bytes sent as-is). */
export function rawCall(method: string, request: Record<string, unknown> | Buffer): Promise<RawOutcome> {
  const { request: requestType, response: responseType, streaming } = types(method);
  const bytes = Buffer.isBuffer(request)
    ? request
    : Buffer.from(requestType.encode(requestType.fromObject(request)).finish());
  const path = `/google.firestore.v1.Firestore/${method}`;
  const serialize = (value: Buffer) => value;
  const deserialize = (value: Buffer) =>
    responseType.toObject(responseType.decode(value), {
      longs: String,
      enums: String,
      bytes: String,
      defaults: false,
    }) as Record<string, unknown>;
  const metadata = new Metadata();
  metadata.set('authorization', 'Bearer owner');
  return new Promise<RawOutcome>((resolve) => {
    const failed = (error: ServiceError) => resolve({ ok: false, code: error.code, details: error.details });
    if (!streaming) {
      grpcClient().makeUnaryRequest(
        path,
        serialize,
        deserialize,
        bytes,
        metadata,
        { deadline: Date.now() + 15_000 },
        (error, value) => {
          if (error) failed(error);
          else resolve({ ok: true, responses: value === undefined ? [] : [value] });
        },
      );
      return;
    }
    const responses: Record<string, unknown>[] = [];
    const call = grpcClient().makeServerStreamRequest(path, serialize, deserialize, bytes, metadata, {
      deadline: Date.now() + 15_000,
    });
    call.on('data', (value: Record<string, unknown>) => responses.push(value));
    call.on('error', failed);
    call.on('end', () => resolve({ ok: true, responses }));
  });
}
