import { createRequire } from 'node:module';
import type { ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/**
 * The google.firestore.v1 schema, taken from the protos @google-cloud/firestore ships (the same
 * ones firebase-admin encodes with), so both sides agree on every field number.
 */
function loadRoot(): protobuf.Root {
  const json: unknown = require('@google-cloud/firestore/build/protos/v1.json');
  return protobuf.Root.fromJSON(json as protobuf.INamespace);
}

export const root = loadRoot();

export const FIRESTORE_SERVICE = 'google.firestore.v1.Firestore';

/** A request that could not be decoded; handlers turn it into INVALID_ARGUMENT. */
export class UndecodableRequest {
  constructor(readonly reason: string) {}
}

/**
 * Builds the grpc-js service definition by hand instead of through @grpc/proto-loader: the
 * handlers read protobufjs messages directly (no toObject copy), and a request that fails to
 * decode becomes an UndecodableRequest rather than an exception inside grpc-js (which would
 * answer INTERNAL).
 */
export function firestoreServiceDefinition(): ServiceDefinition {
  const service = root.lookupService(FIRESTORE_SERVICE);
  const definition: Record<string, ServiceDefinition[string]> = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const requestType = method.resolvedRequestType;
    const responseType = method.resolvedResponseType;
    if (requestType === null || responseType === null) throw new Error(`Unresolved types for ${method.name}`);
    definition[method.name] = {
      path: `/${FIRESTORE_SERVICE}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      originalName: method.name,
      requestSerialize: (value: object) => Buffer.from(requestType.encode(value).finish()),
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return requestType.decode(bytes);
        } catch (error) {
          return new UndecodableRequest(error instanceof Error ? error.message : String(error));
        }
      },
      responseSerialize: (value: object) => Buffer.from(responseType.encode(value).finish()),
      responseDeserialize: (bytes: Buffer): unknown => responseType.decode(bytes),
    };
  }
  return definition;
}
