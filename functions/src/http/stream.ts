/**
 * Writing a large response piece by piece. Each piece waits until the client has taken the
 * previous ones (`drain`), so a slow reader holds the producer back instead of making the
 * instance buffer the whole body.
 */
import type { Request, Response } from 'express';
import { log } from '../lib/log.js';
import { requestIdOf } from './request-id.js';

export function writeChunk(res: Response, chunk: string): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const drained = () => {
      res.off('close', closed);
      resolve();
    };
    const closed = () => {
      res.off('drain', drained);
      reject(new Error('the client closed the connection'));
    };
    res.once('drain', drained);
    res.once('close', closed);
  });
}

/**
 * Streams a 200 response from `produce`. A failure before the first byte is an ordinary error
 * response; after it the status line is gone, so the transfer is aborted and the client cannot
 * take a truncated body for a whole one.
 */
export async function streamResponse(
  req: Request,
  res: Response,
  route: string,
  produce: (write: (chunk: string) => Promise<void>) => Promise<void>,
): Promise<void> {
  try {
    await produce((chunk) => writeChunk(res, chunk));
  } catch (error) {
    if (!res.headersSent) throw error;
    log.requestFailed({ request_id: requestIdOf(res), method: req.method, route }, error);
    res.destroy();
    return;
  }
  res.end();
}
