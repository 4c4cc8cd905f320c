import type { NextFunction, Request, Response } from 'express';
import { ApiError } from './api-error.js';

/** Every JSON body Keymeter accepts is a handful of fields; anything larger is refused. */
export const MAX_BODY_BYTES = 16 * 1024;

function tooLarge(): ApiError {
  return new ApiError('payload_too_large', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
}

/** The Functions runtime has already read the body into `rawBody`; in-process callers have not. */
function rawBodyOf(req: Request): Buffer | undefined {
  const raw: unknown = (req as Request & { rawBody?: unknown }).rawBody;
  return Buffer.isBuffer(raw) ? raw : undefined;
}

function declaredLength(req: Request): number | undefined {
  const header = req.headers['content-length'];
  if (header === undefined) return undefined;
  const length = Number(header);
  return Number.isFinite(length) ? length : undefined;
}

/** Refuses oversized bodies on every route, before authentication does any work on them. */
export function limitBodySize(req: Request, _res: Response, next: NextFunction): void {
  const size = rawBodyOf(req)?.length ?? declaredLength(req) ?? 0;
  next(size > MAX_BODY_BYTES ? tooLarge() : undefined);
}

async function readStream(req: Request): Promise<Buffer> {
  if (req.readableEnded || !req.readable) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

async function readJsonBodyOnce(req: Request): Promise<unknown> {
  const raw = rawBodyOf(req) ?? (await readStream(req));
  if (raw.length > MAX_BODY_BYTES) throw tooLarge();
  if (raw.length === 0) return undefined;
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new ApiError(
      'unsupported_media_type',
      'Send the request body as JSON with Content-Type: application/json.',
    );
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    throw new ApiError('invalid_json', 'The request body is not valid JSON.');
  }
}

/** What each request's body was read as: a stream can be read once, and a cost and a handler both ask. */
const bodies = new WeakMap<Request, Promise<unknown>>();

/**
 * The request's JSON body, or `undefined` when there is none. Checks size (413), media type
 * (415) and syntax (400 `invalid_json`) in that order. Read once per request.
 */
export function readJsonBody(req: Request): Promise<unknown> {
  let body = bodies.get(req);
  if (body === undefined) {
    body = readJsonBodyOnce(req);
    bodies.set(req, body);
  }
  return body;
}
