import type { NextFunction, Request, Response } from 'express';

/**
 * Headers on every response of the HTTPS functions, errors and 404s included. `nosniff`: a
 * browser must read a JSON or CSV body as what its Content-Type says, never sniff it into HTML
 * or script. Hosting's headers in firebase.json cover the dashboard's files, not these.
 */
export function setSecurityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
