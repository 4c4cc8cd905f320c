/** gRPC status codes, as numbers on the wire. */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export type CodeNumber = (typeof Code)[keyof typeof Code];

const CODE_NAMES = new Map<number, string>(Object.entries(Code).map(([name, code]) => [code, name]));

export function codeName(code: number): string {
  return CODE_NAMES.get(code) ?? `CODE_${code}`;
}

/** The one error type of the emulator: a gRPC status with a Firestore-like message. */
export class FirestoreError extends Error {
  constructor(
    readonly code: CodeNumber,
    message: string,
  ) {
    super(message);
    this.name = 'FirestoreError';
  }
}

export function invalidArgument(message: string): FirestoreError {
  return new FirestoreError(Code.INVALID_ARGUMENT, message);
}

export function notFound(message: string): FirestoreError {
  return new FirestoreError(Code.NOT_FOUND, message);
}

export function alreadyExists(message: string): FirestoreError {
  return new FirestoreError(Code.ALREADY_EXISTS, message);
}

export function failedPrecondition(message: string): FirestoreError {
  return new FirestoreError(Code.FAILED_PRECONDITION, message);
}

export function aborted(message: string): FirestoreError {
  return new FirestoreError(Code.ABORTED, message);
}

export function unimplemented(message: string): FirestoreError {
  return new FirestoreError(Code.UNIMPLEMENTED, message);
}

/**
 * Any exception becomes a status: our own errors keep their code, anything else is a bug in the
 * emulator and is reported as INTERNAL (never a crash, never a hang).
 */
export function toFirestoreError(error: unknown): FirestoreError {
  if (error instanceof FirestoreError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FirestoreError(Code.INTERNAL, `Internal error in the Keymeter Firestore emulator: ${message}`);
}
