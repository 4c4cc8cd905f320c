import { isIP } from 'node:net';
import type { Request } from 'express';

/**
 * The caller's address as the first X-Forwarded-For hop names it (Google's front end, and
 * Firebase Hosting before it, put the client's address first), else the socket's. A client can
 * write its own first hop, so this is a hint for people reading an audit log, never a check.
 */
export function clientAddress(req: Request): string | null {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (first !== undefined && isIP(first) !== 0) return first;
  const socket = req.socket.remoteAddress;
  return socket !== undefined && isIP(socket) !== 0 ? socket : null;
}
